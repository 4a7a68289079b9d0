"""Building blocks for statements built once and run many times (the hot paths).

A hot statement is built at first use with `bindparam`s and kept; each call passes only
its parameters (`db.fetch_all(stmt, {...})`). SQLAlchemy then reuses the statement's
memoised cache key and compiled form, where building a fresh timeline statement per call
cost milliseconds.

`any_of(column, name)` is `column IN <a list given at execution>` as ONE parameter: a
JSON array read by `json_each` on SQLite, an array for `= ANY(...)` on PostgreSQL. Unlike
an expanding `IN (...)`, the SQL text is the same for every list length, so no per-call
re-rendering of the statement and one prepared statement on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

__all__ = ["IdList", "TextList", "any_of"]

_encode = msgspec.json.Encoder().encode


class IdList(sa.types.TypeDecorator[list[int]]):
    """A list of integer ids bound as one parameter: BIGINT[] on PostgreSQL, a JSON
    array (text) elsewhere."""

    impl = sa.String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(sa.BigInteger))
        return dialect.type_descriptor(sa.String())

    def process_bind_param(self, value: Iterable[int] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        ids = [int(v) for v in value]
        return ids if dialect.name == "postgresql" else _encode(ids).decode()


class TextList(sa.types.TypeDecorator[list[str]]):
    """A list of strings bound as one parameter: TEXT[] on PostgreSQL, a JSON array
    elsewhere."""

    impl = sa.String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(sa.Text))
        return dialect.type_descriptor(sa.String())

    def process_bind_param(self, value: Iterable[str] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        names = [str(v) for v in value]
        return names if dialect.name == "postgresql" else _encode(names).decode()


class _AnyOf(ColumnElement[bool]):
    inherit_cache = True
    type = sa.Boolean()
    _is_implicitly_boolean = True  # a predicate: no "= 1" appended where booleans aren't native
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("param", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[Any], param: sa.BindParameter[Any]) -> None:
        self.column = column
        self.param = param


@compiles(_AnyOf)
def _any_of_json(element: _AnyOf, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return f"{column} IN (SELECT value FROM json_each({compiler.process(element.param, **kw)}))"


@compiles(_AnyOf, "postgresql")
def _any_of_array(element: _AnyOf, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY({compiler.process(element.param, **kw)})"


def any_of(column: Any, name: str, *, text: bool = False) -> ColumnElement[bool]:
    """`column` is one of the ids bound at execution under `name` (a list of ints; with
    `text`, a list of strings)."""
    return _AnyOf(column, sa.bindparam(name, type_=TextList() if text else IdList()))
