"""Reading notifications in groups, as Mastodon's `/api/v2/notifications` gives them.

A notification's group is its stored `group_key` when its type is one of the grouped
types asked for, else `ungrouped-{id}`. A page holds up to `limit` groups: in SQL, the
newest notification of each group under `max_id` (the oldest above `min_id` when paging
up), grouped with GROUP BY over the next `WINDOW` notifications (all of them only when
those hold fewer groups than the page asks for) and joined back to those notifications.
Then one query gives every grouped group's count, newest notification, page range and
eight newest senders (window functions), one their accounts, and the status renderer its
fixed few: as many queries for one group of 200 likes as for 40 mentions.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from roost.db import Database
from roost.db.prepared import any_of
from roost.errors import NotFound
from roost.notifications import group_summary_queries as summary
from roost.notifications.keys import NO_ID, in_group
from roost.notifications.queries import shown_to
from roost.notifications.tables import GROUPABLE_TYPES, NOTIFICATION_TYPES, notifications
from roost.timelines.queries import Paging
from roost.timeutil import utcnow

SAMPLE_ACCOUNTS = summary.SAMPLE_ACCOUNTS
# A page's groups are looked for among this many notifications first (found by the
# (account_id, id) index), so a page does not read all of someone's notifications; the
# groups found are those a full read finds as long as they are as many as the page asks
# for. Mastodon's recursive query stops the same way once it has `limit` groups.
WINDOW = 2000
_STATUS_TYPES = frozenset(
    ("favourite", "reblog", "status", "mention", "poll", "update", "quote", "quoted_update")
)
_n = notifications


@dataclass(frozen=True)
class GroupFilter:
    """Which notifications a grouped listing or count takes, and which types it groups.
    `types` None: every type."""

    types: tuple[str, ...] | None = None
    exclude_types: tuple[str, ...] = ()
    from_account_id: int | None = None
    grouped_types: tuple[str, ...] = GROUPABLE_TYPES
    include_filtered: bool = False  # also those held back by the notification policy

    @classmethod
    def of(
        cls,
        types: Sequence[str],
        exclude_types: Sequence[str],
        from_account_id: int | None,
        grouped_types: Sequence[str] | None,
        include_filtered: bool = False,
    ) -> GroupFilter:
        """From request parameters: unknown types are ignored (as Mastodon does: `types[]`
        naming none it knows selects nothing); `grouped_types` None groups every groupable
        type, a list only those of it that can be grouped."""
        grouped = GROUPABLE_TYPES if grouped_types is None else grouped_types
        return cls(
            types=tuple(t for t in types if t in NOTIFICATION_TYPES) if types else None,
            exclude_types=tuple(exclude_types),
            from_account_id=from_account_id,
            grouped_types=tuple(sorted(set(grouped) & set(GROUPABLE_TYPES))),
            include_filtered=include_filtered,
        )


@dataclass
class Group:
    """One group of a page: its newest notification on the page (`head`, a notifications
    row) and what the group holds up to the page's top."""

    key: str
    head: Any
    count: int = 1
    most_recent_id: int = 0
    sample_ids: list[int] = field(default_factory=list)
    page_min_id: int | None = None
    latest_at: datetime | None = None


def _key(grouped: tuple[str, ...]) -> sa.ColumnElement[str]:
    """The group key a listing gives a notification (Mastodon's `group_key_sql`); the
    grouped types are constants in the SQL, so each of their few sets is one plan."""
    ungrouped = sa.literal_column("'ungrouped-'", sa.String) + sa.cast(_n.c.id, sa.String)
    if not grouped:
        return ungrouped
    names = [sa.literal_column(f"'{t}'", sa.String) for t in grouped]  # from GROUPABLE_TYPES
    return sa.func.coalesce(sa.case((_n.c.type.in_(names), _n.c.group_key)), ungrouped)


@functools.cache
def _group_heads(
    grouped: tuple[str, ...],
    types: bool,
    exclude: bool,
    sender: bool,
    newest: bool,
    include_filtered: bool = False,
) -> sa.Select[Any]:
    """Up to `limit` groups among the first `window` of the viewer's notifications with
    ids between `lo` and `hi` (exclusive), from the newest (`newest`) or the oldest: each
    group's key, the id of its first notification there, and how many it has there."""
    conds = [
        summary.shown(include_filtered),
        _n.c.id > sa.bindparam("lo", type_=sa.BigInteger),
        _n.c.id < sa.bindparam("hi", type_=sa.BigInteger),
        *summary.typed(_n.c.type, types, exclude),
    ]
    if sender:
        conds.append(_n.c.from_account_id == sa.bindparam("sender", type_=sa.BigInteger))
    rows = (
        sa.select(_n.c.id, _key(grouped).label("key"))
        .where(*conds)
        .order_by(_n.c.id.desc() if newest else _n.c.id.asc())
        .limit(sa.bindparam("window", type_=sa.BigInteger))
        .subquery()
    )
    head = (sa.func.max if newest else sa.func.min)(rows.c.id).label("head")
    return (
        sa.select(rows.c.key, head, sa.func.count().label("seen"))
        .group_by(rows.c.key)
        .order_by(head.desc() if newest else head.asc())
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )


@functools.cache
def _groups(
    grouped: tuple[str, ...],
    types: bool,
    exclude: bool,
    sender: bool,
    newest: bool,
    include_filtered: bool = False,
) -> sa.Select[Any]:
    """`_group_heads` with each group's notification (joined back in the same query)."""
    found = _group_heads(grouped, types, exclude, sender, newest, include_filtered).subquery()
    return (
        sa.select(found.c.key, found.c.seen, _n)
        .join(_n, _n.c.id == found.c.head)
        .order_by(_n.c.id.desc() if newest else _n.c.id.asc())
    )


def _params(viewer_id: int, flt: GroupFilter, lo: int, hi: int, limit: int) -> dict[str, Any]:
    return {
        "window": WINDOW,
        "me": viewer_id,
        "now": utcnow(),
        "lo": lo,
        "hi": hi,
        "limit": limit,
        "types": list(flt.types or ()),
        "exclude": list(flt.exclude_types),
        "sender": flt.from_account_id,
    }


def _groups_of(flt: GroupFilter, newest: bool, *, whole: bool = True) -> sa.Select[Any]:
    return (_groups if whole else _group_heads)(
        flt.grouped_types,
        flt.types is not None,
        bool(flt.exclude_types),
        flt.from_account_id is not None,
        newest,
        flt.include_filtered,
    )


@functools.cache
def _group_data(include_filtered: bool) -> sa.Select[Any]:
    """For each of the `keys`, its shown notifications up to `end`: the newest eight, each
    with the group's count and its oldest id from `begin` on."""
    key = _n.c.group_key
    rows = (
        sa.select(
            _n.c.id,
            _n.c.group_key,
            _n.c.from_account_id,
            _n.c.created_at,
            sa.func.row_number().over(partition_by=key, order_by=_n.c.id.desc()).label("rank"),
            sa.func.count().over(partition_by=key).label("count"),
            sa.func.min(sa.case((_n.c.id >= sa.bindparam("begin", type_=sa.BigInteger), _n.c.id)))
            .over(partition_by=key)
            .label("page_min"),
        )
        .where(
            summary.shown(include_filtered),
            any_of(key, "keys", text=True),
            _n.c.id <= sa.bindparam("end", type_=sa.BigInteger),
        )
        .subquery()
    )
    return sa.select(rows).where(rows.c.rank <= SAMPLE_ACCOUNTS).order_by(rows.c.id.desc())


async def _fill(
    db: Database,
    viewer_id: int,
    groups: list[Group],
    begin: int,
    end: int,
    include_filtered: bool = False,
) -> list[Group]:
    """Counts, samples and page ranges of `groups` (those lost meanwhile are dropped)."""
    keys = [g.key for g in groups if not g.key.startswith("ungrouped-")]
    params = {"me": viewer_id, "now": utcnow(), "begin": begin, "end": end}
    data: dict[str, tuple[int, int | None, list[Any]]] = {}
    if not include_filtered:
        data = await summary.group_data(db, params, keys)
    elif keys:
        found: dict[str, list[Any]] = {}
        for row in await db.fetch_all(_group_data(include_filtered), {**params, "keys": keys}):
            found.setdefault(row.group_key, []).append(row)
        data = {k: (rows[0].count, rows[0].page_min, rows) for k, rows in found.items()}
    out = []
    for g in groups:
        if g.key.startswith("ungrouped-"):
            g.most_recent_id, g.sample_ids = g.head.id, [g.head.from_account_id]
            g.page_min_id, g.latest_at = g.head.id, g.head.created_at
        elif (got := data.get(g.key)) and got[2]:
            g.count, g.page_min_id, rows = got
            g.most_recent_id, g.latest_at = rows[0].id, rows[0].created_at
            g.sample_ids = [r.from_account_id for r in rows]
        else:
            continue
        out.append(g)
    return out


def _by_summary(flt: GroupFilter) -> bool:
    """Whether `notification_groups` can give this listing's groups: every groupable type
    grouped, filtered ones left out, from any sender."""
    return (
        set(flt.grouped_types) == set(GROUPABLE_TYPES)
        and not flt.include_filtered
        and flt.from_account_id is None
    )


async def list_groups(
    db: Database, viewer_id: int, paging: Paging, flt: GroupFilter
) -> tuple[list[Group], list[int]]:
    """A page of the viewer's notification groups, newest first, and the ids of the
    notifications that stand for them (for the page's links), as Mastodon pages them:
    `max_id`/`since_id`/`min_id` bound notification ids, `limit` counts groups."""
    lo = paging.min_id if paging.min_id is not None else paging.since_id
    hi = paging.max_id if paging.max_id is not None else NO_ID
    newest = paging.min_id is None
    params = _params(viewer_id, flt, -1 if lo is None else lo, hi, paging.limit)
    if newest and _by_summary(flt):
        found = await summary.page_heads(db, params, flt.types is not None, bool(flt.exclude_types))
    else:
        found = list(await db.fetch_all(_groups_of(flt, newest), params))
    if len(found) < paging.limit and sum(f.seen for f in found) >= WINDOW:
        # Fewer groups than asked for in a full window (a post liked by thousands): there
        # may be more past it; read them all.
        found = list(await db.fetch_all(_groups_of(flt, newest), {**params, "window": NO_ID}))
    if not newest:
        found.reverse()
    if not found:
        return [], []
    ids = [f.id for f in found]
    # The range the page stands for (Mastodon's `pagination_range`): a short page is the
    # last one, so it reaches to the end the request left open.
    begin, end = ids[-1], ids[0]
    if len(found) < paging.limit:
        if not newest:
            end = hi - 1
        else:
            begin = 0 if paging.since_id is None else paging.since_id + 1
    groups = [Group(key=f.key, head=f) for f in found]
    return await _fill(db, viewer_id, groups, begin, end, flt.include_filtered), ids


async def access_group(db: Database, viewer_id: int, group_key: str) -> Group:
    """One of the viewer's groups, whole (404 when it has no notification they may see)."""
    head = await db.fetch_one(
        sa.select(_n)
        .where(shown_to(viewer_id), in_group(viewer_id, group_key))
        .order_by(_n.c.id.desc())
        .limit(1)
    )
    if head is None:
        raise NotFound()
    key = group_key if not group_key.startswith("ungrouped-") else f"ungrouped-{head.id}"
    groups = await _fill(db, viewer_id, [Group(key=key, head=head)], 0, NO_ID)
    if not groups:
        raise NotFound()
    return groups[0]


async def group_senders(db: Database, viewer_id: int, group_key: str, paging: Paging) -> list[Any]:
    """(notification id, sender id) of one of the viewer's groups, newest first, paged by
    notification id; 404 for a group they have nothing of."""
    await access_group(db, viewer_id, group_key)
    query = sa.select(_n.c.id, _n.c.from_account_id).where(
        shown_to(viewer_id), in_group(viewer_id, group_key)
    )
    if paging.max_id is not None:
        query = query.where(_n.c.id < paging.max_id)
    if paging.since_id is not None:
        query = query.where(_n.c.id > paging.since_id)
    if paging.min_id is not None:
        query = query.where(_n.c.id > paging.min_id).order_by(_n.c.id.asc())
        return list(reversed(await db.fetch_all(query.limit(paging.limit))))
    return list(await db.fetch_all(query.order_by(_n.c.id.desc()).limit(paging.limit)))


async def count_unread_groups(
    db: Database, viewer_id: int, last_read_id: int | None, flt: GroupFilter, limit: int
) -> int:
    """How many groups have notifications newer than `last_read_id` (the notifications
    marker; None: all), counting at most `limit`."""
    lo = -1 if last_read_id is None else last_read_id
    params = {**_params(viewer_id, flt, lo, NO_ID, limit), "window": NO_ID}
    if _by_summary(flt):
        return await summary.count_unread(
            db, params, flt.types is not None, bool(flt.exclude_types)
        )
    heads = _groups_of(flt, False, whole=False).subquery()
    counted = sa.select(sa.func.count()).select_from(heads)
    return int(await db.scalar(counted, params) or 0)
