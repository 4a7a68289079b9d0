"""List feeds: which posts belong in a list's feed, written once, and the list timeline
read from it.

A list's feed (a `FeedStore` of kind "list", keyed by the list's id) holds its members'
posts and reposts that its replies policy lets in and its owner may see. The fan-out job
asks `list_targets` of each new post, in the batch that fans it out to home feeds
(roost.timelines.jobs); a new member's recent posts are merged in and a removed one's
taken out (roost.lists.jobs); an absent feed is rebuilt by `list_entries_for`, the SQL
query the list timeline was read from before it had a feed, so the store is never the
only copy. Blocks, mutes and suspensions are applied when the feed is read.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from roost.accounts.tables import users
from roost.db import Database
from roost.db.dialect import nth_largest_of_groups
from roost.db.errors import outage_of
from roost.db.prepared import any_of
from roost.errors import Unavailable
from roost.feeds import FEED_CAP, FeedStore
from roost.graph.tables import follows
from roost.lists.tables import list_accounts, lists
from roost.statuses.queries import timeline_params, timeline_select, visible_among, visible_to
from roost.statuses.tables import statuses

ROUNDS = 3  # feed pages read for one timeline page when entries turn out hidden


def _policy(name: str) -> Any:
    return sa.literal_column(f"'{name}'")  # a constant: see statuses.queries._listed


def replies_allowed(list_row: FromClause, s: FromClause) -> ColumnElement[bool]:
    """SQL condition: post `s` passes the replies policy of list `list_row` (a `lists` row
    in the query): a post that replies to no one else always does; with `list`, a reply to
    the owner or a member; with `followed`, to the owner or anyone they follow; with
    `none`, no reply to another."""
    to = s.c.in_reply_to_account_id
    owner, policy = list_row.c.account_id, list_row.c.replies_policy
    member = list_accounts.alias("replied_member")
    to_member = sa.exists().where(member.c.list_id == list_row.c.id, member.c.account_id == to)
    to_followed = sa.exists().where(
        follows.c.account_id == owner, follows.c.target_account_id == to
    )
    return sa.or_(
        to.is_(None),
        to == s.c.account_id,
        sa.and_(
            policy != _policy("none"),
            sa.or_(
                to == owner,
                sa.and_(policy == _policy("list"), to_member),
                sa.and_(policy == _policy("followed"), to_followed),
            ),
        ),
    )


@functools.cache
def _targets_statement() -> sa.Select[Any]:
    """For each status bound in `ids`, each list its author is in, and whether the status
    belongs in that list's feed (`wanted`): its replies policy lets it in, the owner may
    see it (a followers-only post of a member: the owner follows them), and the owner has
    been active since `cutoff` (as home: the feeds of someone long away are dropped when
    they come back, roost.timelines.activity)."""
    s = statuses.alias("s")
    active = sa.exists().where(
        users.c.account_id == lists.c.account_id,
        users.c.last_active_at >= sa.bindparam("cutoff", type_=sa.DateTime),
    )
    wanted = sa.and_(replies_allowed(lists, s), visible_to(s, lists.c.account_id), active)
    return (
        sa.select(s.c.id.label("status_id"), list_accounts.c.list_id, wanted.label("wanted"))
        .select_from(
            s.join(list_accounts, list_accounts.c.account_id == s.c.account_id).join(
                lists, lists.c.id == list_accounts.c.list_id
            )
        )
        .where(any_of(s.c.id, "ids"))
    )


async def list_targets(db: Database, status_ids: Sequence[int], cutoff: datetime) -> Sequence[Any]:
    """Rows (status_id, list_id, wanted) for the lists the authors of `status_ids` are in
    (one query for a fan-out batch; none for no statuses); owners inactive since before
    `cutoff` want nothing."""
    if not status_ids:
        return []
    return await db.fetch_all(_targets_statement(), {"ids": list(status_ids), "cutoff": cutoff})


async def list_entries_for(
    db: Database, owner_id: int, list_id: int, *, authors: list[int] | None = None,
    limit: int = FEED_CAP,
) -> list[tuple[int, int]]:  # fmt: skip
    """(status id, author id) of what fan-out would have put in the list's feed (or only
    the posts of `authors`, a new member), newest first."""
    if authors is None:
        authors = list(await db.scalars(_MEMBERS, {"list": list_id}))
    if not authors:
        return []
    # Mutes are left to the read, so that an unmuted member's posts are there.
    query, s, _ = timeline_select(owner_id, hide_muted=False)
    query = (
        query.add_columns(s.c.account_id)
        .where(
            lists.c.id == list_id,
            s.c.account_id.in_(authors),
            replies_allowed(lists, s),
        )
        .order_by(s.c.id.desc())
        .limit(limit)
    )
    # Bounded below as a home rebuild is (timelines.rebuild): each member's newest posts
    # come off the (account_id, id) index instead of every post of every member.
    cutoff = await nth_largest_of_groups(
        db, statuses.c.id, statuses.c.account_id, authors, 2 * limit
    )
    if cutoff is not None:
        rows = await db.fetch_all(query.where(s.c.id >= sa.literal_column(str(int(cutoff)))))
        if len(rows) >= limit:
            return [(r.id, r.account_id) for r in rows]
    return [(r.id, r.account_id) for r in await db.fetch_all(query)]


_MEMBERS = sa.select(list_accounts.c.account_id).where(
    list_accounts.c.list_id == sa.bindparam("list", type_=sa.BigInteger)
)


async def list_feed_ids(
    db: Database,
    feeds: FeedStore,
    owner_id: int,
    list_id: int,
    *,
    max_id: int | None,
    since_id: int | None,
    min_id: int | None,
    limit: int,
) -> list[int]:
    """A page of the list's timeline, newest first: its feed's ids (rebuilt if absent)
    that the owner may see and has not muted. Reads further down the feed when entries
    turn out hidden."""
    bounds = {"max_id": max_id, "since_id": since_id, "min_id": min_id}
    result: list[int] = []
    for _round in range(ROUNDS):
        ids = await _feed_page(db, feeds, owner_id, list_id, bounds, limit)
        shown = set(await db.scalars(_VISIBLE, {"ids": ids, **timeline_params(owner_id)}))
        result += [i for i in ids if i in shown]
        if len(result) >= limit or len(ids) < limit or min_id is not None:
            break
        bounds = {"max_id": min(ids), "since_id": since_id, "min_id": None}
    return result[:limit]


_VISIBLE = visible_among(False, hide_muted=True)


async def _feed_page(
    db: Database, feeds: FeedStore, owner_id: int, list_id: int,
    bounds: dict[str, int | None], limit: int,
) -> list[int]:  # fmt: skip
    entries: list[tuple[int, int]] | None = None
    try:
        ids = await feeds.page(list_id, **bounds, limit=limit)
        if ids is not None:
            return ids
        entries = await list_entries_for(db, owner_id, list_id)
        await feeds.fill(list_id, entries)
        return await feeds.page(list_id, **bounds, limit=limit) or []
    except Exception as exc:
        if not isinstance(exc, Unavailable) and outage_of(exc) is None:
            raise
    # The feed store is away (Redis down): the page from SQL, as the rebuild makes the feed.
    if entries is None:
        entries = await list_entries_for(db, owner_id, list_id)
    ids = [
        i
        for i, _ in entries
        if (bounds["max_id"] is None or i < bounds["max_id"])
        and (bounds["since_id"] is None or i > bounds["since_id"])
    ]
    if bounds["min_id"] is not None:
        return [i for i in ids if i > bounds["min_id"]][-limit:]
    return ids[:limit]
