"""The one door to statuses: who may see what, and rendering pages of them in batches.

Visibility rules live in `visible_to` alone: public and unlisted posts are seen by
everyone; followers-only by the author, followers and mentioned accounts; direct by the
author and mentioned accounts; nothing of a suspended author, and nothing across a block
in either direction. Mutes hide posts from timelines and notifications (`not_muted`), not
from a post's own page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from roost.accounts.queries import render_accounts
from roost.accounts.tables import accounts
from roost.db import Database
from roost.errors import NotFound
from roost.graph.tables import blocks, follows, mutes
from roost.oauth.tables import apps
from roost.statuses.entities import Status, StatusApplication, StatusMention, StatusTag
from roost.statuses.tables import (
    bookmarks,
    favourites,
    mentions,
    pins,
    status_tags,
    statuses,
    tags,
)
from roost.timeutil import iso, iso_or_none, utcnow


def visible_to(s: FromClause, viewer_id: int | None) -> ColumnElement[bool]:
    """SQL condition: the status row `s` may be seen by `viewer_id` (None: logged out)."""
    author_ok = ~sa.exists().where(
        accounts.c.id == s.c.account_id, accounts.c.suspended_at.isnot(None)
    )
    if viewer_id is None:
        return sa.and_(s.c.visibility.in_(("public", "unlisted")), author_ok)
    mentioned = sa.exists().where(
        mentions.c.status_id == s.c.id, mentions.c.account_id == viewer_id
    )
    follower = sa.exists().where(
        follows.c.account_id == viewer_id, follows.c.target_account_id == s.c.account_id
    )
    blocked = sa.exists().where(
        sa.or_(
            sa.and_(blocks.c.account_id == s.c.account_id, blocks.c.target_account_id == viewer_id),
            sa.and_(blocks.c.account_id == viewer_id, blocks.c.target_account_id == s.c.account_id),
        )
    )
    return sa.or_(
        s.c.account_id == viewer_id,
        sa.and_(
            author_ok,
            ~blocked,
            sa.or_(
                s.c.visibility.in_(("public", "unlisted")),
                sa.and_(s.c.visibility == "private", sa.or_(follower, mentioned)),
                sa.and_(s.c.visibility == "direct", mentioned),
            ),
        ),
    )


def not_muted(s: FromClause, viewer_id: int | None) -> ColumnElement[bool]:
    """SQL condition: the viewer has not muted the author of `s` (for timelines)."""
    if viewer_id is None:
        return sa.true()
    return ~sa.exists().where(
        mutes.c.account_id == viewer_id,
        mutes.c.target_account_id == s.c.account_id,
        sa.or_(mutes.c.expires_at.is_(None), mutes.c.expires_at > utcnow()),
    )


def timeline_select(
    viewer_id: int | None, *, hide_muted: bool = True
) -> tuple[sa.Select[Any], FromClause, FromClause]:
    """SELECT s.id FROM statuses s LEFT JOIN statuses o (the reblogged original), with both
    rows' visibility applied. Callers add their own WHERE, ORDER BY and LIMIT."""
    s = statuses.alias("s")
    o = statuses.alias("o")
    cond = sa.and_(visible_to(s, viewer_id), sa.or_(o.c.id.is_(None), visible_to(o, viewer_id)))
    if hide_muted and viewer_id is not None:
        cond = sa.and_(
            cond, not_muted(s, viewer_id), sa.or_(o.c.id.is_(None), not_muted(o, viewer_id))
        )
    query = sa.select(s.c.id).select_from(s.outerjoin(o, o.c.id == s.c.reblog_of_id)).where(cond)
    return query, s, o


def page(
    query: sa.Select[Any],
    id_col: Any,
    *,
    max_id: int | None,
    since_id: int | None,
    min_id: int | None,
    limit: int,
) -> sa.Select[Any]:
    """Mastodon paging: `max_id`/`since_id` give the newest page below/above; `min_id` gives
    the page just above it (oldest first, reversed by the caller with `reverse_if_min`)."""
    if max_id is not None:
        query = query.where(id_col < max_id)
    if since_id is not None:
        query = query.where(id_col > since_id)
    if min_id is not None:
        return query.where(id_col > min_id).order_by(id_col.asc()).limit(limit)
    return query.order_by(id_col.desc()).limit(limit)


def newest_first(ids: Sequence[int], min_id: int | None) -> list[int]:
    return sorted(ids, reverse=True) if min_id is not None else list(ids)


async def access_status(db: Database, viewer_id: int | None, status_id: int) -> Any:
    """A status row the viewer may see (including a reblog's original); else NotFound."""
    query, s, _ = timeline_select(viewer_id, hide_muted=False)
    row = await db.fetch_one(
        sa.select(statuses).where(
            statuses.c.id == status_id, statuses.c.id.in_(query.where(s.c.id == status_id))
        )
    )
    if row is None:
        raise NotFound()
    return row


async def visible_ids(db: Database, viewer_id: int | None, ids: Sequence[int]) -> set[int]:
    """Which of `ids` the viewer may see (one query)."""
    if not ids:
        return set()
    query, s, _ = timeline_select(viewer_id, hide_muted=False)
    return set(await db.scalars(query.where(s.c.id.in_(list(ids)))))


_STATUS_COLUMNS = [*statuses.c, apps.c.name.label("app_name"), apps.c.website.label("app_website")]


async def render_statuses(
    db: Database, viewer_id: int | None, ids: Sequence[int], base_url: str
) -> list[Status]:
    """Status entities for `ids` in that order, with a fixed number of queries however many.

    Callers pass ids the viewer may see (timelines and access_* already filtered them).
    Queries: statuses (+ reblogged originals), accounts, mentions, tags, and the viewer's
    own favourites / reblogs / bookmarks / pins.
    """
    if not ids:
        return []
    id_list = list(dict.fromkeys(ids))
    join = statuses.outerjoin(apps, apps.c.id == statuses.c.app_id)
    # The page's statuses and the originals of its reblogs, in one query.
    originals = sa.select(statuses.c.reblog_of_id).where(
        statuses.c.id.in_(id_list), statuses.c.reblog_of_id.isnot(None)
    )
    rows = {
        r.id: r
        for r in await db.fetch_all(
            sa.select(*_STATUS_COLUMNS)
            .select_from(join)
            .where(sa.or_(statuses.c.id.in_(id_list), statuses.c.id.in_(originals)))
        )
    }
    all_ids = list(rows)
    account_ids = {r.account_id for r in rows.values()}
    mention_rows = await db.fetch_all(
        sa.select(mentions.c.status_id, accounts.c.id, accounts.c.username)
        .select_from(mentions.join(accounts, accounts.c.id == mentions.c.account_id))
        .where(mentions.c.status_id.in_(all_ids))
    )
    tag_rows = await db.fetch_all(
        sa.select(status_tags.c.status_id, tags.c.name)
        .select_from(status_tags.join(tags, tags.c.id == status_tags.c.tag_id))
        .where(status_tags.c.status_id.in_(all_ids))
    )
    rendered_accounts = await render_accounts(db, account_ids, base_url)
    flags = await _viewer_flags(db, viewer_id, all_ids)

    mentions_of: dict[int, list[StatusMention]] = {}
    for m in mention_rows:
        mentions_of.setdefault(m.status_id, []).append(
            StatusMention(
                id=str(m.id), username=m.username, acct=m.username, url=f"{base_url}/@{m.username}"
            )
        )
    tags_of: dict[int, list[StatusTag]] = {}
    for t in tag_rows:
        tags_of.setdefault(t.status_id, []).append(
            StatusTag(name=t.name.lower(), url=f"{base_url}/tags/{t.name.lower()}")
        )

    def build(row: Any, reblog: Status | None) -> Status | None:
        account = rendered_accounts.get(row.account_id)
        if account is None:
            return None
        sid = row.id
        is_reblog = reblog is not None
        return Status(
            id=str(sid),
            uri=f"{base_url}/users/{account.username}/statuses/{sid}",
            url=None if is_reblog else f"{base_url}/@{account.username}/{sid}",
            created_at=iso(row.created_at),
            edited_at=iso_or_none(row.edited_at),
            account=account,
            content="" if is_reblog else row.content,
            visibility=row.visibility,
            sensitive=bool(row.sensitive),
            spoiler_text=row.spoiler_text,
            media_attachments=[],
            application=None
            if row.app_name is None
            else StatusApplication(name=row.app_name, website=row.app_website),
            mentions=mentions_of.get(sid, []),
            tags=tags_of.get(sid, []),
            emojis=[],
            reblogs_count=row.reblogs_count,
            favourites_count=row.favourites_count,
            replies_count=row.replies_count,
            in_reply_to_id=None if row.in_reply_to_id is None else str(row.in_reply_to_id),
            in_reply_to_account_id=None
            if row.in_reply_to_account_id is None
            else str(row.in_reply_to_account_id),
            reblog=reblog,
            language=row.language,
            favourited=None if viewer_id is None else ("f", sid) in flags,
            reblogged=None if viewer_id is None else ("r", sid) in flags,
            muted=None if viewer_id is None else False,
            bookmarked=None if viewer_id is None else ("b", sid) in flags,
            pinned=None
            if viewer_id is None or row.account_id != viewer_id
            else ("p", sid) in flags,
        )

    out: list[Status] = []
    for sid in id_list:
        row = rows.get(sid)
        if row is None:
            continue
        original = None
        if row.reblog_of_id is not None:
            orig_row = rows.get(row.reblog_of_id)
            original = build(orig_row, None) if orig_row is not None else None
            if original is None:
                continue
        status = build(row, original)
        if status is not None:
            if original is not None:
                # A reblog shows the original's interaction flags: that is what a client's
                # buttons act on.
                status.favourited, status.reblogged = original.favourited, original.reblogged
                status.bookmarked = original.bookmarked
            out.append(status)
    return out


async def _viewer_flags(
    db: Database, viewer_id: int | None, ids: list[int]
) -> set[tuple[str, int]]:
    """The viewer's favourites, reblogs, bookmarks and pins among `ids`, in one query."""
    if viewer_id is None or not ids:
        return set()
    query = sa.union_all(
        sa.select(sa.literal("f").label("k"), favourites.c.status_id).where(
            favourites.c.account_id == viewer_id, favourites.c.status_id.in_(ids)
        ),
        sa.select(sa.literal("b").label("k"), bookmarks.c.status_id).where(
            bookmarks.c.account_id == viewer_id, bookmarks.c.status_id.in_(ids)
        ),
        sa.select(sa.literal("p").label("k"), pins.c.status_id).where(
            pins.c.account_id == viewer_id, pins.c.status_id.in_(ids)
        ),
        sa.select(sa.literal("r").label("k"), statuses.c.reblog_of_id).where(
            statuses.c.account_id == viewer_id, statuses.c.reblog_of_id.in_(ids)
        ),
    )
    return {(r.k, r.status_id) for r in await db.fetch_all(query)}


async def render_status(
    db: Database, viewer_id: int | None, status_id: int, base_url: str
) -> Status:
    rendered = await render_statuses(db, viewer_id, [status_id], base_url)
    if not rendered:
        raise NotFound()
    return rendered[0]
