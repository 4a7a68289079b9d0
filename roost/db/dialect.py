"""Statements whose SQL differs between SQLite and PostgreSQL, so domain code need not."""

from __future__ import annotations

import functools
import heapq
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

if TYPE_CHECKING:
    from roost.db import Database


def insert_or_ignore(table: sa.Table, dialect: str, *conflict: str) -> Any:
    """`INSERT INTO table ... ON CONFLICT [(conflict)] DO NOTHING` for `dialect` (a
    transaction's `tx.dialect`): a row that would break a unique constraint is skipped.
    Built once per table, dialect and conflict columns, so it can be run with rows."""
    return _insert_or_ignore(table, dialect, conflict)


@functools.cache
def _insert_or_ignore(table: sa.Table, dialect: str, conflict: tuple[str, ...]) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=list(conflict) or None)


def upsert(
    table: sa.Table, dialect: str, conflict: tuple[str, ...], update: tuple[str, ...]
) -> Any:
    """`INSERT ... ON CONFLICT (conflict) DO UPDATE SET` the `update` columns to the values
    of the row that conflicted, for `dialect`. Built once per arguments."""
    return _upsert(table, dialect, conflict, update)


@functools.cache
def _upsert(
    table: sa.Table, dialect: str, conflict: tuple[str, ...], update: tuple[str, ...]
) -> Any:
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return insert.on_conflict_do_update(
        index_elements=list(conflict), set_={c: insert.excluded[c] for c in update}
    )


async def nth_largest_of_groups(
    db: Database, column: sa.Column[Any], group: sa.Column[Any], groups: list[int], n: int
) -> int | None:
    """The `n`-th largest `column` among the `n` largest of each of `groups` (rows whose
    `group` is one of them, read off a (group, column) index), or None when they have fewer
    than `n` rows: a bound below which a merge of the groups' newest rows need not look."""
    groups = list(dict.fromkeys(groups))
    if not db.is_sqlite:
        # One round trip: a LATERAL join reads each group's largest off the index.
        found = await db.scalar(_lateral(column, group), {"groups": groups, "n": n, "skip": n - 1})
        return None if found is None else int(found)
    largest: list[int] = []
    for one in groups:  # SQLite has no LATERAL; each is tens of µs in-process
        largest += await db.scalars(_largest_of(column, group), {"group": one, "n": n})
    if len(largest) < n:
        return None
    return heapq.nlargest(n, largest)[-1]


@functools.cache
def _largest_of(column: sa.Column[Any], group: sa.Column[Any]) -> sa.Select[Any]:
    return (
        sa.select(column)
        .where(group == sa.bindparam("group", type_=sa.BigInteger))
        .order_by(column.desc())
        .limit(sa.bindparam("n", type_=sa.Integer))
    )


@functools.cache
def _lateral(column: sa.Column[Any], group: sa.Column[Any]) -> sa.Select[Any]:
    """PostgreSQL: the `n`-th largest among the largest `n` of each of `groups`."""
    one = (
        sa.func.unnest(sa.bindparam("groups", type_=postgresql.ARRAY(sa.BigInteger)))
        .table_valued("one")
        .render_derived()
    )
    largest = (
        sa.select(column.label("value"))
        .where(group == one.c.one)
        .order_by(column.desc())
        .limit(sa.bindparam("n", type_=sa.Integer))
        .lateral("largest")
    )
    return (
        sa.select(largest.c.value)
        .select_from(one.join(largest, sa.true()))
        .order_by(largest.c.value.desc())
        .offset(sa.bindparam("skip", type_=sa.Integer))
        .limit(1)
    )
