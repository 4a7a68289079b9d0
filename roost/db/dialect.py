"""Statements whose SQL differs between SQLite and PostgreSQL, so domain code need not."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def insert_or_ignore(table: sa.Table, dialect: str, *conflict: str) -> Any:
    """`INSERT INTO table ... ON CONFLICT [(conflict)] DO NOTHING` for `dialect` (a
    transaction's `tx.dialect`): a row that would break a unique constraint is skipped.
    Built once per table, dialect and conflict columns, so it can be run with rows."""
    return _insert_or_ignore(table, dialect, conflict)


@functools.cache
def _insert_or_ignore(table: sa.Table, dialect: str, conflict: tuple[str, ...]) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=list(conflict) or None)
