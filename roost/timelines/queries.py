"""Timelines: home, public, hashtag, an account's posts, favourites, bookmarks, and a
thread's context. Each returns status ids the viewer may see, newest first; rendering is
`render_statuses`' job (a fixed number of queries per page)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from roost.accounts.tables import accounts
from roost.db import Database
from roost.db.errors import outage_of
from roost.db.prepared import any_of
from roost.errors import Unavailable
from roost.feeds import FEED_CAP, FeedStore
from roost.graph.tables import follows
from roost.statuses.queries import (
    access_status,
    newest_first,
    not_limited,
    page,
    page_params,
    page_unbound,
    timeline_params,
    timeline_select,
    timeline_unbound,
    visible_among,
    visible_ids,
)
from roost.statuses.tables import bookmarks, favourites, pins, status_tags, statuses, tags
from roost.statuses.visible import Visible
from roost.timelines.home_rule import in_exclusive_list
from roost.timelines.metrics import FROM_SQL, FROM_STORE, REBUILT
from roost.timelines.rebuild import feed_entries_for

CONTEXT_LIMIT = 4096  # statuses considered in one thread


@dataclass(frozen=True)
class Paging:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = 20


async def _ids(
    db: Database, viewer_id: int | None, query: sa.Select[Any], col: Any, paging: Paging
) -> Visible:
    paged = page(query, col, max_id=paging.max_id, since_id=paging.since_id,
                 min_id=paging.min_id, limit=paging.limit)  # fmt: skip
    return Visible(viewer_id, newest_first(await db.scalars(paged), paging.min_id))


async def home_timeline(
    db: Database,
    feeds: FeedStore,
    viewer_id: int,
    paging: Paging,
    *,
    fanout_threshold: int = 250_000,
) -> Visible:
    """The viewer's home timeline: their feed (rebuilt from SQL if absent) merged with the
    recent posts of followed accounts too big to fan out, with visibility, blocks and
    mutes applied. Over-fetches and pages on when entries turn out hidden."""
    ids = await _feed_page(db, feeds, viewer_id, paging, fanout_threshold)
    result: list[int] = []
    current = paging
    for _round in range(3):
        found = await _ids_union(db, viewer_id, ids, fanout_threshold, current)
        result.extend(found)
        if len(result) >= paging.limit or len(ids) < current.limit or current.min_id is not None:
            break
        # Some entries were hidden (blocked, muted, deleted): read further down the feed.
        current = Paging(max_id=min(ids), since_id=paging.since_id, limit=current.limit)
        ids = await _feed_page(db, feeds, viewer_id, current, fanout_threshold)
        if not ids:
            break
    return Visible(viewer_id, result[: paging.limit])


async def _ids_union(
    db: Database, viewer_id: int, ids: list[int], fanout_threshold: int, paging: Paging
) -> list[int]:
    """The visible ones of the feed's `ids`, merged with the page's posts of followed big
    accounts (built once per paging shape; see `_home_statement`)."""
    stmt = _home_statement(
        paging.max_id is not None, paging.since_id is not None, paging.min_id is not None,
        paging.limit, fanout_threshold,
    )  # fmt: skip
    found = await db.scalars(
        stmt,
        {
            "ids": ids,
            **timeline_params(viewer_id),
            **page_params(paging.max_id, paging.since_id, paging.min_id),
        },
    )
    return newest_first(found, paging.min_id)


@functools.cache
def _home_statement(
    max_id: bool, since_id: bool, min_id: bool, limit: int, threshold: int
) -> sa.Select[Any]:
    """Two indexed selects in a UNION ALL: the feed's ids, and the posts of followed
    accounts above the fan-out threshold. One `id IN (...) OR account_id IN (...)`
    condition would make the database scan every status instead.

    The threshold is a constant in the SQL, not a parameter: PostgreSQL's generic plan
    (see `Database`) cannot know a parameter's value, guessed that many accounts pass it
    and, at 1M posts, walked the statuses index for them (67 ms a page, measured)."""
    # Accounts above the threshold are few (usually none): found on their index, then
    # checked against the viewer's follows, instead of looking up every followed account.
    viewer = sa.bindparam("tl_viewer", type_=sa.BigInteger)
    followed_big = sa.select(accounts.c.id).where(
        accounts.c.followers_count > sa.literal_column(str(int(threshold))),
        sa.exists().where(
            follows.c.account_id == viewer, follows.c.target_account_id == accounts.c.id
        ),
        ~in_exclusive_list(viewer, accounts.c.id),
    )
    branches = []
    for condition in ("feed", "big"):
        query, s, _ = timeline_unbound(False)
        if condition == "feed":
            query = query.where(any_of(s.c.id, "ids"))
        else:
            query = query.where(s.c.account_id.in_(followed_big))
        paged = page_unbound(query, s.c.id, max_id=max_id, since_id=since_id, min_id=min_id,
                             limit=limit)  # fmt: skip
        branches.append(paged.subquery().select())
    merged = sa.union_all(*branches).subquery()
    order = merged.c.id.asc() if min_id else merged.c.id.desc()
    return sa.select(merged.c.id).order_by(order).limit(limit)


async def _feed_page(
    db: Database, feeds: FeedStore, viewer_id: int, paging: Paging, threshold: int
) -> list[int]:
    kwargs: dict[str, Any] = {
        "max_id": paging.max_id,
        "since_id": paging.since_id,
        "min_id": paging.min_id,
        "limit": paging.limit,
    }
    entries: list[tuple[int, int]] | None = None
    try:
        ids = await feeds.page(viewer_id, **kwargs)
        if ids is not None:
            FROM_STORE.inc()
            return ids
        # Absent (new account, flushed Redis, back after inactivity): rebuild from SQL.
        entries = await feed_entries_for(db, viewer_id, limit=FEED_CAP, fanout_threshold=threshold)
        await feeds.fill(viewer_id, entries)
        REBUILT.inc()
        return await feeds.page(viewer_id, **kwargs) or []
    except Exception as exc:
        if not isinstance(exc, Unavailable) and outage_of(exc) is None:
            raise
    # The feed store is away (Redis down, roost.outage) or cannot keep the rebuilt feed
    # (a full disk): the page from SQL, as the rebuild makes the feed.
    if entries is None:
        entries = await feed_entries_for(db, viewer_id, limit=FEED_CAP, fanout_threshold=threshold)
    FROM_SQL.inc()
    return _page_of([status_id for status_id, _ in entries], paging)


def _page_of(newest_first: list[int], paging: Paging) -> list[int]:
    """A page of ids (newest first), as `FeedStore.page` would cut it."""
    ids = [
        i
        for i in newest_first
        if (paging.max_id is None or i < paging.max_id)
        and (paging.since_id is None or i > paging.since_id)
    ]
    if paging.min_id is not None:
        return [i for i in ids if i > paging.min_id][-paging.limit :]
    return ids[: paging.limit]


async def public_timeline(
    db: Database,
    viewer_id: int | None,
    paging: Paging,
    *,
    remote: bool = False,
    only_media: bool = False,
) -> Visible:
    """Public posts of this server, without reblogs and replies to others (Mastodon's rule)."""
    if remote:
        # No federation yet: nothing here can match.
        return Visible(viewer_id, ())
    query, s, _ = timeline_select(viewer_id)
    if only_media:
        query = query.where(s.c.media_count > 0)
    query = query.where(
        s.c.visibility == "public",
        s.c.reblog_of_id.is_(None),
        sa.or_(s.c.in_reply_to_id.is_(None), s.c.in_reply_to_account_id == s.c.account_id),
        not_limited(s, viewer_id),
    )
    return await _ids(db, viewer_id, query, s.c.id, paging)


async def tag_timeline(
    db: Database,
    viewer_id: int | None,
    tag: str,
    paging: Paging,
    *,
    any_tags: list[str] | None = None,
    all_tags: list[str] | None = None,
    none_tags: list[str] | None = None,
    only_media: bool = False,
) -> Visible:
    """Public posts with a hashtag (`any[]`, `all[]` and `none[]` as Mastodon has them)."""
    query, s, _ = timeline_select(viewer_id)
    if only_media:
        query = query.where(s.c.media_count > 0)
    wanted = [tag.lower(), *(t.lower() for t in any_tags or [])]
    query = query.where(
        s.c.visibility == "public",
        s.c.reblog_of_id.is_(None),
        s.c.id.in_(_tagged(wanted)),
        not_limited(s, viewer_id),
    )
    for name in all_tags or []:
        query = query.where(s.c.id.in_(_tagged([name.lower()])))
    if none_tags:
        query = query.where(s.c.id.notin_(_tagged([n.lower() for n in none_tags])))
    return await _ids(db, viewer_id, query, s.c.id, paging)


def _tagged(names: list[str]) -> sa.Select[Any]:
    return _tagged_where(tags.c.name_lower.in_(names))


def _tagged_where(name_matches: ColumnElement[bool]) -> sa.Select[Any]:
    """The ids of statuses carrying a tag whose lower-cased name matches."""
    return (
        sa.select(status_tags.c.status_id)
        .join(tags, tags.c.id == status_tags.c.tag_id)
        .where(name_matches)
    )


async def account_timeline(
    db: Database,
    viewer_id: int | None,
    account_id: int,
    paging: Paging,
    *,
    pinned: bool = False,
    exclude_replies: bool = False,
    exclude_reblogs: bool = False,
    only_media: bool = False,
    tagged: str | None = None,
) -> Visible:
    """An account's posts as the viewer may see them (mutes don't apply on a profile);
    with `only_media`, its own posts with media (Mastodon leaves reblogs out then)."""
    stmt = _account_statement(
        viewer_id is None, pinned, exclude_replies, exclude_reblogs or only_media,
        only_media, tagged is not None,
        paging.max_id is not None, paging.since_id is not None, paging.min_id is not None,
        paging.limit,
    )  # fmt: skip
    params = {
        "acct": account_id,
        **timeline_params(viewer_id),
        **page_params(paging.max_id, paging.since_id, paging.min_id),
    }
    if tagged is not None:
        params["tagged"] = [tagged.lower()]
    return Visible(viewer_id, newest_first(await db.scalars(stmt, params), paging.min_id))


@functools.lru_cache(maxsize=512)
def _account_statement(
    anonymous: bool, pinned: bool, exclude_replies: bool, exclude_reblogs: bool,
    only_media: bool, tagged: bool, max_id: bool, since_id: bool, min_id: bool, limit: int,
) -> sa.Select[Any]:  # fmt: skip
    """The account timeline's statement for one shape of request, built once."""
    query, s, _ = timeline_unbound(anonymous, hide_muted=False)
    account = sa.bindparam("acct", type_=sa.BigInteger)
    query = query.where(s.c.account_id == account)
    if pinned:
        query = query.join(pins, pins.c.status_id == s.c.id).where(pins.c.account_id == account)
    if exclude_replies:
        query = query.where(
            sa.or_(s.c.in_reply_to_id.is_(None), s.c.in_reply_to_account_id == s.c.account_id)
        )
    if exclude_reblogs:
        query = query.where(s.c.reblog_of_id.is_(None))
    if only_media:
        query = query.where(s.c.media_count > 0)
    if tagged:
        query = query.where(
            s.c.id.in_(_tagged_where(any_of(tags.c.name_lower, "tagged", text=True)))
        )
    return page_unbound(query, s.c.id, max_id=max_id, since_id=since_id, min_id=min_id, limit=limit)


async def interactions_timeline(
    db: Database, viewer_id: int, table: sa.Table, paging: Paging
) -> tuple[Visible, list[int]]:
    """The viewer's favourites or bookmarks, newest first: (status ids, row ids for paging)."""
    query, s, _ = timeline_select(viewer_id, hide_muted=False)
    query = (
        query.add_columns(table.c.id.label("row_id"))
        .join(table, table.c.status_id == s.c.id)
        .where(table.c.account_id == viewer_id)
    )
    paged = page(query, table.c.id, max_id=paging.max_id, since_id=paging.since_id,
                 min_id=paging.min_id, limit=paging.limit)  # fmt: skip
    rows = list(await db.fetch_all(paged))
    if paging.min_id is not None:
        rows.reverse()
    return Visible(viewer_id, [r.id for r in rows]), [r.row_id for r in rows]


FAVOURITES = favourites
BOOKMARKS = bookmarks


@functools.cache
def _conversation_statement() -> sa.Select[Any]:
    """A conversation's posts (ids and parents), oldest first, up to CONTEXT_LIMIT."""
    return (
        sa.select(statuses.c.id, statuses.c.in_reply_to_id)
        .where(
            statuses.c.conversation_id == sa.bindparam("conversation", type_=sa.BigInteger),
            statuses.c.reblog_of_id.is_(None),
        )
        .order_by(statuses.c.id)
        .limit(CONTEXT_LIMIT)
    )


async def context(db: Database, viewer_id: int | None, status_id: int) -> tuple[Visible, Visible]:
    """A thread around a status: (ancestors oldest first, descendants depth-first)."""
    root = await access_status(db, viewer_id, status_id)
    if root.reblog_of_id is not None:
        root = await access_status(db, viewer_id, root.reblog_of_id)
    conversation = root.conversation_id or root.id
    rows = await db.fetch_all(_conversation_statement(), {"conversation": conversation})
    parent_of = {r.id: r.in_reply_to_id for r in rows}
    children: dict[int, list[int]] = {}
    for r in rows:
        if r.in_reply_to_id is not None:
            children.setdefault(r.in_reply_to_id, []).append(r.id)
    ancestors: list[int] = []
    cursor = parent_of.get(root.id)
    while cursor is not None and cursor in parent_of and cursor not in ancestors:
        ancestors.append(cursor)
        cursor = parent_of[cursor]
    ancestors.reverse()
    descendants: list[int] = []
    stack = list(reversed(children.get(root.id, [])))
    while stack:
        current = stack.pop()
        descendants.append(current)
        stack.extend(reversed(children.get(current, [])))
    allowed = set(await visible_ids(db, viewer_id, ancestors + descendants))
    if viewer_id is not None:
        # Hide muted accounts' replies, as Mastodon does, but never the viewer's own.
        stmt = visible_among(False, hide_muted=True)
        params = {"ids": descendants, **timeline_params(viewer_id)}
        unmuted = set(await db.scalars(stmt, params)) if descendants else set()
        descendants = [d for d in descendants if d in unmuted]
    return (
        Visible(viewer_id, [a for a in ancestors if a in allowed]),
        Visible(viewer_id, [d for d in descendants if d in allowed]),
    )
