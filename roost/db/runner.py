"""`fetch_*` helpers shared by a database's autocommitting reads and its transactions."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Row

from roost.db.fast import Plan

Params = dict[str, Any]


class Runner(ABC):
    """Reads over `_conn_execute` (SQLAlchemy) or `_fast` (a plan run by the driver)."""

    @abstractmethod
    async def _conn_execute(
        self, stmt: sa.Executable, params: Params | None = None
    ) -> sa.Result[Any]: ...

    async def _fast(
        self, stmt: sa.Executable, params: Params | None, *, one: bool
    ) -> tuple[Plan, Sequence[Any]] | None:
        """A statement built once (read with `params`) run straight through the driver
        (roost.db.fast): its plan and raw rows (at most one with `one`). None: it runs
        through SQLAlchemy."""
        return None

    async def fetch_all(
        self, stmt: sa.Executable, params: Params | None = None
    ) -> Sequence[Row[Any]]:
        """All rows of a SELECT (or of an INSERT/UPDATE ... RETURNING). `params` bind a
        statement built once with `bindparam`s (the hot paths' way)."""
        fast = await self._fast(stmt, params, one=False)
        if fast is not None:
            p, raw = fast
            return cast(Sequence[Row[Any]], list(map(p.row, raw)))
        return (await self._conn_execute(stmt, params)).all()

    async def fetch_one(self, stmt: sa.Executable, params: Params | None = None) -> Row[Any] | None:
        """The first row, or None."""
        fast = await self._fast(stmt, params, one=True)
        if fast is not None:
            p, raw = fast
            return cast(Row[Any], p.row(raw[0])) if raw else None
        return (await self._conn_execute(stmt, params)).first()

    async def scalar(self, stmt: sa.Executable, params: Params | None = None) -> Any:
        """The first column of the first row, or None."""
        fast = await self._fast(stmt, params, one=True)
        if fast is not None:
            p, raw = fast
            return p.first(raw[0]) if raw else None
        return (await self._conn_execute(stmt, params)).scalar()

    async def scalars(self, stmt: sa.Executable, params: Params | None = None) -> list[Any]:
        """The first column of every row."""
        fast = await self._fast(stmt, params, one=False)
        if fast is not None:
            p, raw = fast
            return list(map(p.first, raw))
        return list((await self._conn_execute(stmt, params)).scalars().all())
