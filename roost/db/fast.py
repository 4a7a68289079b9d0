"""Hot reads straight through the driver, for statements built once.

A statement built once (`functools.cache` + `bindparam`s, see `roost.db.prepared`) is
compiled here once more into a `Plan`: its SQL text, a function that turns the caller's
parameters into the driver's positional arguments (with SQLAlchemy's own bind
processors), and one that turns a driver row into a named tuple (with SQLAlchemy's own
result processors). Running it is then one driver call and one generated function per row.

Why: in a profile of the home timeline on SQLite, SQLAlchemy's execution layer (cache-key
lookup, execution context, result metadata, `Row` objects) cost more than the four queries
themselves; the statements never change, so none of that per-call work is needed.

Only plain SELECTs with positional parameters and no expanding or literal-rendered
parameters get a plan; anything else (and every write) goes through SQLAlchemy as before.
Rows are named tuples: attribute and index access, as SQLAlchemy's `Row` offers.
"""

from __future__ import annotations

import keyword
from collections import namedtuple
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

__all__ = ["Plan", "plan"]

Params = Mapping[str, Any]


class Plan:
    """One statement, compiled for one dialect, ready to run through the driver."""

    __slots__ = ("args", "first", "row", "sql", "stmt")

    def __init__(
        self,
        stmt: sa.Executable,
        sql: str,
        args: Callable[[Params], tuple[Any, ...]],
        row: Callable[[Any], Any],
        first: Callable[[Any], Any],
    ) -> None:
        self.stmt = stmt  # held, so the id it is cached under stays its own
        self.sql = sql
        self.args = args  # caller's parameters -> the driver's positional arguments
        self.row = row  # a driver row -> a named tuple, processed
        self.first = first  # a driver row -> its first column, processed


def plan(stmt: sa.Executable, dialect: Dialect) -> Plan | None:
    """A Plan for `stmt`, or None where it must run through SQLAlchemy."""
    if not isinstance(stmt, sa.Select | sa.CompoundSelect):
        return None
    compiled = stmt.compile(dialect=dialect)
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
    columns = compiled._result_columns
    keys = [c.keyname for c in columns]
    if not keys or len(set(keys)) != len(keys):
        return None
    if any(not k.isidentifier() or k.startswith("_") or keyword.iskeyword(k) for k in keys):
        return None

    env: dict[str, Any] = {"_tuple_new": tuple.__new__}
    # Parameters, in the order the SQL text wants them.
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
    args = _compile(f"lambda p: ({''.join(p + ', ' for p in parts)})", env)

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


def _compile(source: str, env: dict[str, Any]) -> Callable[[Any], Any]:
    fn: Callable[[Any], Any] = eval(source, env)
    return fn
