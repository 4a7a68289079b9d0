"""One write transaction, and the outbox of what it sets off once it has committed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.db.fast import Plan, Written
from roost.db.runner import Params, Runner

AfterCommit = Callable[[], Awaitable[None]]


@dataclass
class Outbox:
    """What a transaction sets off once (and only if) it commits, in this order: cache
    keys to drop, queued jobs to wake a worker for, live-update messages to publish, then
    the caller's own `after_commit` work. The instance that opened the transaction
    delivers it (roost.instance), so two instances in one process never see each other's."""

    stale: list[str] = field(default_factory=list)
    jobs: bool = False
    events: list[tuple[str, bytes]] = field(default_factory=list)
    after: list[AfterCommit] = field(default_factory=list)


class Driver(Protocol):
    """Runs plans straight through a SQLite transaction's sqlite3 connection
    (roost.db.connections.Connections)."""

    def plan_of(self, stmt: sa.Executable) -> Plan | None: ...

    def write(self, dbapi: Any, stmt: sa.Executable, rows: Sequence[Params]) -> Written | None: ...

    def sqlite_run(self, dbapi: Any, p: Plan, params: Params, one: bool) -> list[Any]: ...


class Transaction(Runner):
    """One write transaction. What it sets off waits in its `outbox` until it commits."""

    def __init__(self, conn: AsyncConnection | sa.Connection, db: Driver | None = None) -> None:
        self.conn = conn
        # Given for a SQLite file's write connection: statements with a plan run through
        # sqlite3 directly, inside this transaction (roost.db.fast).
        self._db = db
        self.outbox = Outbox()

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.conn.dialect.name

    async def _conn_execute(
        self, stmt: sa.Executable, params: Params | list[Params] | None = None
    ) -> sa.Result[Any]:
        if isinstance(self.conn, sa.Connection):
            return self.conn.execute(stmt, params)
        return await self.conn.execute(stmt, params)

    async def execute(
        self, stmt: sa.Executable, rows: Sequence[dict[str, Any]] | None = None
    ) -> sa.CursorResult[Any]:
        """Run a write (with `rows`: executemany); returns the cursor result."""
        if rows is not None and not rows:
            raise ValueError("execute() with an empty list of rows")
        if self._db is not None and rows is not None:
            written = self._db.write(self._dbapi(), stmt, rows)
            if written is not None:
                return cast(sa.CursorResult[Any], written)
        result = await self._conn_execute(stmt, list(rows) if rows is not None else None)
        return cast(sa.CursorResult[Any], result)

    def _dbapi(self) -> Any:
        assert isinstance(self.conn, sa.Connection)
        return self.conn.connection.dbapi_connection

    async def _fast(
        self, stmt: sa.Executable, params: Params | None, *, one: bool
    ) -> tuple[Plan, Sequence[Any]] | None:
        if params is None or self._db is None:
            return None
        p = self._db.plan_of(stmt)
        if p is None or not p.returns:
            return None
        return p, self._db.sqlite_run(self._dbapi(), p, params, one)

    def after_commit(self, fn: AfterCommit) -> None:
        """Run `fn` after a successful commit."""
        self.outbox.after.append(fn)

    def invalidate(self, *keys: str) -> None:
        """Drop cache entries once this transaction commits (before events go out, so a
        stream that renders on an event sees the new state)."""
        self.outbox.stale.extend(keys)

    def publish(self, channel: str, message: bytes) -> None:
        """Publish a live-update message once (and only if) this transaction commits."""
        self.outbox.events.append((channel, message))

    def wake_jobs(self) -> None:
        """Wake a worker once this transaction commits: it queued jobs."""
        self.outbox.jobs = True
