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

from collections.abc import Callable, Iterable
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


class _ListParam(sa.types.TypeDecorator[list[Any]]):
    """A list bound as one parameter: an array of `_item` on PostgreSQL, a JSON array
    (text) elsewhere; each element goes through `_convert` first."""

    impl = sa.String
    cache_ok = True
    _item: type[sa.types.TypeEngine[Any]]
    _convert: Callable[[Any], Any]

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(self._item))
        return dialect.type_descriptor(sa.String())

    def process_bind_param(self, value: Iterable[Any] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        items = [type(self)._convert(v) for v in value]
        return items if dialect.name == "postgresql" else _encode(items).decode()


class IdList(_ListParam):
    """Integer ids: BIGINT[] on PostgreSQL."""

    cache_ok = True  # SQLAlchemy reads it from each class's own body
    _item = sa.BigInteger
    _convert = int


class TextList(_ListParam):
    """Strings: TEXT[] on PostgreSQL."""

    cache_ok = True
    _item = sa.Text
    _convert = str


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
