"""A page of notification groups read through `notification_groups`, each group's row
standing for its notifications, so that the page costs the same whether a group holds
two likes or ten thousand.

The page's heads are the newest of three short lists: the groups whose newest visible
notification is in the page's range (off the (account_id, latest_id) index), the
notifications no group takes (off a partial index of them), and the groups that began
below the range's top and went on above it (a group is on every page its notifications
reach, as Mastodon pages them), whose newest in range is one index seek each. Counts come
from the groups' rows; the eight newest senders of each group from one short read each,
all in one statement.

This serves the listing clients ask for: every groupable type grouped, no `account_id`,
filtered notifications left out, paging down. The others read the notifications
themselves (group_queries).
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa

from roost.db import Database
from roost.db.prepared import any_of
from roost.notifications.queries import shown_to
from roost.notifications.tables import notification_groups, notifications

SAMPLE_ACCOUNTS = 8  # Mastodon's NotificationGroup::SAMPLE_ACCOUNTS_SIZE
_g, _n = notification_groups, notifications
_ME = sa.bindparam("me", type_=sa.BigInteger)
_LO = sa.bindparam("lo", type_=sa.BigInteger)
_HI = sa.bindparam("hi", type_=sa.BigInteger)
_LIMIT = sa.bindparam("limit", type_=sa.Integer)


def shown(include_filtered: bool = False) -> sa.ColumnElement[bool]:
    """`shown_to` the viewer bound as `me`, mutes as of `now`; not filtered unless
    `include_filtered`."""
    visible = shown_to(_ME, sa.bindparam("now", type_=sa.DateTime))
    return visible if include_filtered else sa.and_(visible, _n.c.filtered.is_(False))


def typed(column: sa.ColumnElement[str], types: bool, exclude: bool) -> list[Any]:
    """Conditions on a notification type `column`: one of those bound as `types`, none of
    those bound as `exclude` (each only when asked for)."""
    conds = []
    if types:
        conds.append(any_of(column, "types", text=True))
    if exclude:
        conds.append(~any_of(column, "exclude", text=True))
    return conds


def _newest_below_top() -> sa.ScalarSelect[Any]:
    """A group's newest visible notification below the range's top (`hi`)."""
    return (
        sa.select(_n.c.id)
        .where(
            _n.c.account_id == _g.c.account_id,
            _n.c.group_key == _g.c.group_key,
            _n.c.id < _HI,
            _n.c.filtered.is_(False),
        )
        .order_by(_n.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


@functools.cache
def _heads(types: bool, exclude: bool) -> sa.Select[Any]:
    """Up to `limit` heads in (`lo`, `hi`), newest first: (key, head id)."""
    in_range = (
        sa.select(_g.c.group_key.label("key"), _g.c.latest_id.label("head"))
        .where(
            _g.c.account_id == _ME,
            _g.c.latest_id < _HI,
            _g.c.latest_id > _LO,
            *typed(_g.c.type, types, exclude),
        )
        .order_by(_g.c.latest_id.desc())
        .limit(_LIMIT)
        .subquery()
    )
    ungrouped_key = sa.literal_column("'ungrouped-'", sa.String) + sa.cast(_n.c.id, sa.String)
    ungrouped = (
        sa.select(ungrouped_key.label("key"), _n.c.id.label("head"))
        .where(
            _n.c.account_id == _ME,
            _n.c.group_key.is_(None),
            _n.c.id < _HI,
            _n.c.id > _LO,
            shown(),
            *typed(_n.c.type, types, exclude),
        )
        .order_by(_n.c.id.desc())
        .limit(_LIMIT)
        .subquery()
    )
    spanning = (
        sa.select(_g.c.group_key.label("key"), _newest_below_top().label("head"))
        .where(
            _g.c.account_id == _ME,
            _g.c.latest_id >= _HI,
            _g.c.first_id < _HI,
            *typed(_g.c.type, types, exclude),
        )
        .subquery()
    )
    heads = sa.union_all(
        sa.select(in_range),
        sa.select(ungrouped),
        sa.select(spanning).where(spanning.c.head > _LO),
    ).subquery()
    return (
        sa.select(heads.c.key, sa.literal(1).label("seen"), _n)
        .join(_n, _n.c.id == heads.c.head)
        .order_by(_n.c.id.desc())
        .limit(_LIMIT)
    )


async def page_heads(db: Database, params: dict[str, Any], types: bool, exclude: bool) -> list[Any]:
    """The heads of a page of groups, newest first: rows of `notifications` with the
    group's `key` (params: me, now, lo, hi, limit, types, exclude)."""
    return list(await db.fetch_all(_heads(types, exclude), params))


@functools.cache
def _counts() -> sa.Select[Any]:
    """Each of the `keys`' count up to `end` and oldest visible id from `begin` on."""
    above_end = (
        sa.select(sa.func.count())
        .where(
            _n.c.account_id == _g.c.account_id,
            _n.c.group_key == _g.c.group_key,
            _n.c.id > sa.bindparam("end", type_=sa.BigInteger),
            _n.c.filtered.is_(False),
        )
        .scalar_subquery()
    )
    page_min = (
        sa.select(_n.c.id)
        .where(
            _n.c.account_id == _g.c.account_id,
            _n.c.group_key == _g.c.group_key,
            _n.c.id >= sa.bindparam("begin", type_=sa.BigInteger),
            _n.c.filtered.is_(False),
        )
        .order_by(_n.c.id.asc())
        .limit(1)
        .scalar_subquery()
    )
    return sa.select(
        _g.c.group_key,
        (_g.c.notifications_count - above_end).label("total"),
        page_min.label("page_min"),
    ).where(_g.c.account_id == _ME, any_of(_g.c.group_key, "keys", text=True))


@functools.cache
def _samples(n: int) -> sa.CompoundSelect[Any]:
    """The newest `SAMPLE_ACCOUNTS` visible notifications up to `end` of each of `n` keys
    (bound as k0, k1...), newest first within each."""
    parts = [
        sa.select(
            sa.select(_n.c.id, _n.c.group_key, _n.c.from_account_id, _n.c.created_at)
            .where(
                shown(),
                _n.c.group_key == sa.bindparam(f"k{i}", type_=sa.String),
                _n.c.id <= sa.bindparam("end", type_=sa.BigInteger),
            )
            .order_by(_n.c.id.desc())
            .limit(SAMPLE_ACCOUNTS)
            .subquery()
        )
        for i in range(n)
    ]
    return sa.union_all(*parts)


async def group_data(
    db: Database, params: dict[str, Any], keys: list[str]
) -> dict[str, tuple[int, int | None, list[Any]]]:
    """For each of `keys`: its count up to `end`, its oldest id from `begin` on, and its
    newest visible notifications up to `end` (id, from_account_id, created_at), newest
    first (params: me, now, begin, end)."""
    if not keys:
        return {}
    counted = await db.fetch_all(_counts(), {**params, "keys": keys})
    found: dict[str, list[Any]] = {}
    named = {f"k{i}": key for i, key in enumerate(keys)}
    for row in await db.fetch_all(_samples(len(keys)), {**params, **named}):
        found.setdefault(row.group_key, []).append(row)
    out = {}
    for row in counted:
        rows = sorted(found.get(row.group_key, []), key=lambda r: r.id, reverse=True)
        out[row.group_key] = (int(row.total), row.page_min, rows)
    return out


@functools.cache
def _unread(types: bool, exclude: bool) -> sa.Select[Any]:
    """How many heads newer than `lo` there are, up to `limit` of each kind."""
    grouped = (
        sa.select(_g.c.latest_id.label("id"))
        .where(_g.c.account_id == _ME, _g.c.latest_id > _LO, *typed(_g.c.type, types, exclude))
        .limit(_LIMIT)
        .subquery()
    )
    ungrouped = (
        sa.select(_n.c.id)
        .where(
            _n.c.account_id == _ME,
            _n.c.group_key.is_(None),
            _n.c.id > _LO,
            shown(),
            *typed(_n.c.type, types, exclude),
        )
        .limit(_LIMIT)
        .subquery()
    )
    both = sa.union_all(sa.select(grouped), sa.select(ungrouped)).subquery()
    return sa.select(sa.func.count()).select_from(both)


async def count_unread(db: Database, params: dict[str, Any], types: bool, exclude: bool) -> int:
    """How many groups have a visible notification newer than `lo`, up to `limit`."""
    found = int(await db.scalar(_unread(types, exclude), params) or 0)
    return min(found, int(params["limit"]))
