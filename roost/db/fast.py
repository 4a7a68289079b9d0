"""Hot reads straight through the driver, for statements built once.

A statement built once (`functools.cache` + `bindparam`s, see `roost.db.prepared`) is
compiled here once more into a `Plan`: its SQL text, a function that turns the caller's
parameters into the driver's positional arguments (with SQLAlchemy's own bind
processors), and one that turns a driver row into a named tuple (with SQLAlchemy's own
result processors). Running it is then one driver call and one generated function per row.

Why: in a profile of the home timeline on SQLite, SQLAlchemy's execution layer (cache-key
lookup, execution context, result metadata, `Row` objects) cost more than the four queries
themselves; the statements never change, so none of that per-call work is needed.

Writes get plans too (`plan(stmt, dialect, keys=..., many=...)`, compiled as SQLAlchemy
compiles them for those parameter keys), for SQLite transactions: INSERT/UPDATE/DELETE
without Python-side column defaults (which SQLAlchemy computes per execution), and with
RETURNING only for a single row. Their result is a `Written`.

Statements with expanding or literal-rendered parameters get no plan and go through
SQLAlchemy as before. Rows are named tuples: attribute and index access, as SQLAlchemy's
`Row` offers.
"""

from __future__ import annotations

import keyword
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

__all__ = ["Plan", "Written", "plan"]

Params = Mapping[str, Any]


class Plan:
    """One statement, compiled for one dialect, ready to run through the driver."""

    __slots__ = ("args", "first", "returns", "row", "sql", "stmt")

    def __init__(
        self,
        stmt: sa.Executable,
        sql: str,
        args: Callable[[Params], tuple[Any, ...]],
        row: Callable[[Any], Any],
        first: Callable[[Any], Any],
        returns: bool = True,
    ) -> None:
        self.stmt = stmt  # held, so the id it is cached under stays its own
        self.sql = sql
        self.args = args  # caller's parameters -> the driver's positional arguments
        self.row = row  # a driver row -> a named tuple, processed
        self.first = first  # a driver row -> its first column, processed
        self.returns = returns  # rows come back (a SELECT, or RETURNING)


_DML = sa.Insert | sa.Update | sa.Delete


def plan(
    stmt: sa.Executable, dialect: Dialect, *, keys: Sequence[str] = (), many: bool = False
) -> Plan | None:
    """A Plan for `stmt`, or None where it must run through SQLAlchemy. A write is
    compiled for the parameter `keys` it is executed with (`many`: several rows)."""
    if isinstance(stmt, _DML):
        compiled = stmt.compile(dialect=dialect, column_keys=sorted(keys), for_executemany=many)
        if compiled.insert_prefetch or compiled.update_prefetch:
            return None  # Python-side defaults: SQLAlchemy computes them per execution
        if many and compiled._result_columns:
            return None
    elif isinstance(stmt, sa.Select | sa.CompoundSelect):
        compiled = stmt.compile(dialect=dialect)
    else:
        return None
    names = compiled.positiontup
    if not compiled.positional or names is None:
        return None
    binds = compiled.binds
    if compiled.literal_execute_params or compiled.post_compile_params:
        return None
    for name in names:
        b = binds[name]
        if b.expanding or b.literal_execute or b.callable is not None:
            return None
    args = _args(compiled, names)
    columns = compiled._result_columns
    if not columns and isinstance(stmt, _DML):
        return Plan(stmt, compiled.string, args, _no_rows, _no_rows, returns=False)
    keys = [c.keyname for c in columns]
    if not keys or len(set(keys)) != len(keys):
        return None
    if any(not k.isidentifier() or k.startswith("_") or keyword.iskeyword(k) for k in keys):
        return None

    env: dict[str, Any] = {"_tuple_new": tuple.__new__}
    # Rows: a named tuple per statement, each column through its result processor.
    env["_Row"] = namedtuple("Row", keys)
    cells = []
    for i, c in enumerate(columns):
        proc = c.type._cached_result_processor(dialect, None)
        if proc is None:
            cells.append(f"r[{i}]")
        else:
            env[f"_r{i}"] = proc
            cells.append(f"_r{i}(r[{i}])")
    row = _compile(f"lambda r: _tuple_new(_Row, ({''.join(c + ', ' for c in cells)}))", env)
    first = _compile(f"lambda r: {cells[0]}", env)
    return Plan(stmt, compiled.string, args, row, first)


def _args(compiled: Any, names: Sequence[str]) -> Callable[[Params], tuple[Any, ...]]:
    """A function from the caller's parameters to the driver's positional arguments, in
    the order the SQL text wants them, through SQLAlchemy's bind processors."""
    env: dict[str, Any] = {}
    binds = compiled.binds
    bind_procs = compiled._bind_processors
    parts = []
    for i, name in enumerate(names):
        b = binds[name]
        value = f"p[{b.key!r}]" if b.required else f"p.get({b.key!r}, _d{i})"
        if not b.required:
            env[f"_d{i}"] = b.effective_value
        proc = bind_procs.get(name)
        if proc is not None:
            env[f"_b{i}"] = proc
            value = f"_b{i}({value})"
        parts.append(value)
    return _compile(f"lambda p: ({''.join(p + ', ' for p in parts)})", env)


def _no_rows(_row: Any) -> Any:
    raise AssertionError("a write without RETURNING has no rows")


class Written:
    """What a write run through its plan returns: the rowcount, and the RETURNING rows
    (the parts of SQLAlchemy's CursorResult that callers use)."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rowcount: int, rows: list[Any]) -> None:
        self.rowcount = rowcount
        self._rows = rows

    def all(self) -> list[Any]:
        return self._rows

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def one(self) -> Any:
        if len(self._rows) != 1:
            if self._rows:
                raise sa.exc.MultipleResultsFound("Multiple rows were found when one was required")
            raise sa.exc.NoResultFound("No row was found when one was required")
        return self._rows[0]

    def one_or_none(self) -> Any:
        return self.one() if self._rows else None

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalars(self) -> Written:
        return Written(self.rowcount, [r[0] for r in self._rows])

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)


def _compile(source: str, env: dict[str, Any]) -> Callable[[Any], Any]:
    fn: Callable[[Any], Any] = eval(source, env)
    return fn
