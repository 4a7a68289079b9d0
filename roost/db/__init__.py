"""The one seam through which all SQL runs.

Domain code builds SQLAlchemy Core statements and hands them to a `Database`; how they
run (roost.db.connections: sqlite3 on the loop, asyncpg) is this package's business alone.
A `Database` is one instance's handle on the shared connections of a URL: what its
transactions set off after commit (their `Outbox`) goes to that instance alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from roost.db.connections import Connections
from roost.db.metadata import metadata
from roost.db.runner import Params
from roost.db.transaction import Outbox, Transaction

__all__ = ["Connections", "Database", "Deliver", "Outbox", "Transaction", "metadata"]

Deliver = Callable[[Outbox], Awaitable[None]]


class Database:
    """One instance's door to the database: reads, and write transactions whose outbox
    (cache keys to drop, jobs to wake, events to publish) goes to `deliver` after commit.
    Without `deliver` (a bare handle: migrations, benchmarks' seeding), the outbox's
    effects go nowhere, but its `after_commit` work still runs."""

    def __init__(
        self,
        url: str | Connections,
        *,
        echo: bool = False,
        deliver: Deliver | None = None,
        sqlite_sync: str = "normal",
    ) -> None:
        self.connections = (
            url
            if isinstance(url, Connections)
            else Connections(url, echo=echo, sqlite_sync=sqlite_sync)
        )
        self._deliver = deliver

    def delivering_to(self, deliver: Deliver) -> Database:
        """A handle on the same connections whose transactions' outboxes go to `deliver`."""
        return Database(self.connections, deliver=deliver)

    @property
    def url(self) -> str:
        return self.connections.url

    @property
    def is_sqlite(self) -> bool:
        return self.connections.is_sqlite

    @property
    def engine(self) -> AsyncEngine:
        return self.connections.engine

    @property
    def query_count(self) -> int:
        """Statements run so far on these connections (tests count a page's queries)."""
        return self.connections.query_count

    def sync_engines(self) -> list[sa.Engine]:
        """Every engine statements run on (to hang SQLAlchemy events on)."""
        return self.connections.sync_engines()

    async def fetch_all(
        self, stmt: sa.Executable, params: Params | None = None
    ) -> Sequence[Row[Any]]:
        """All rows of a SELECT. `params` bind a statement built once with `bindparam`s
        (the hot paths' way: it then runs straight through the driver, roost.db.fast)."""
        return await self.connections.fetch_all(stmt, params)

    async def fetch_all_replanned(self, stmt: sa.Executable, params: Params) -> list[Any]:
        """All rows of a SELECT whose best plan depends on its values (a full-text
        search), planned for them on every read (Connections.fetch_all_replanned)."""
        return await self.connections.fetch_all_replanned(stmt, params)

    async def fetch_one(self, stmt: sa.Executable, params: Params | None = None) -> Row[Any] | None:
        """The first row, or None."""
        return await self.connections.fetch_one(stmt, params)

    async def scalar(self, stmt: sa.Executable, params: Params | None = None) -> Any:
        """The first column of the first row, or None."""
        return await self.connections.scalar(stmt, params)

    async def scalars(self, stmt: sa.Executable, params: Params | None = None) -> list[Any]:
        """The first column of every row."""
        return await self.connections.scalars(stmt, params)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One write transaction: commits on success, rolls back on any exception; once
        committed, its outbox is delivered."""
        async with self.connections.transaction() as tx:
            yield tx
        if self._deliver is not None:
            await self._deliver(tx.outbox)
        for fn in tx.outbox.after:
            await fn()

    async def execute(self, stmt: sa.Executable) -> sa.CursorResult[Any]:
        """Run one write in its own transaction."""
        async with self.transaction() as tx:
            return await tx.execute(stmt)

    async def dispose(self) -> None:
        """Close the connections (every handle on them)."""
        await self.connections.dispose()
