"""The rows an archive is made of, read a page at a time (a fixed number of queries per
page of posts, whatever the account's size)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from roost.accounts.tables import accounts
from roost.db import Database
from roost.db.prepared import any_of
from roost.media.tables import media_attachments
from roost.portability.activitystreams import activity, status_uri
from roost.statuses.tables import bookmarks, favourites, mentions, status_tags, statuses, tags

PAGE = 200

_parent = sa.alias(statuses, "parent")
_parent_author = sa.alias(accounts, "parent_author")


async def posts_page(
    db: Database, owner: int, username: str, base_url: str, after: int
) -> tuple[list[dict[str, Any]], int | None]:
    """The owner's posts with ids above `after` (a page, oldest first) as outbox items, and
    the last id read (None: no more)."""
    s = statuses.c
    rows = await db.fetch_all(
        sa.select(statuses, _parent_author.c.username.label("parent_username"))
        .select_from(
            statuses.outerjoin(
                _parent, _parent.c.id == sa.func.coalesce(s.reblog_of_id, s.in_reply_to_id)
            ).outerjoin(_parent_author, _parent_author.c.id == _parent.c.account_id)
        )
        .where(s.account_id == owner, s.id > after)
        .order_by(s.id)
        .limit(PAGE)
    )
    if not rows:
        return [], None
    ids = [int(r.id) for r in rows]
    named: dict[int, list[str]] = defaultdict(list)
    for m in await db.fetch_all(
        sa.select(mentions.c.status_id, accounts.c.username)
        .select_from(mentions.join(accounts, accounts.c.id == mentions.c.account_id))
        .where(any_of(mentions.c.status_id, "ids"))
        .order_by(accounts.c.username_lower),
        {"ids": ids},
    ):
        named[int(m.status_id)].append(m.username)
    tagged: dict[int, list[str]] = defaultdict(list)
    for t in await db.fetch_all(
        sa.select(status_tags.c.status_id, tags.c.name)
        .select_from(status_tags.join(tags, tags.c.id == status_tags.c.tag_id))
        .where(any_of(status_tags.c.status_id, "ids"))
        .order_by(tags.c.name_lower),
        {"ids": ids},
    ):
        tagged[int(t.status_id)].append(t.name)
    media: dict[int, list[Any]] = defaultdict(list)
    mc = media_attachments.c
    for a in await db.fetch_all(
        sa.select(media_attachments)
        .where(any_of(mc.status_id, "ids"), mc.state == "ready")
        .order_by(mc.status_id, mc.position, mc.id),
        {"ids": ids},
    ):
        media[int(a.status_id)].append(a)
    items = []
    for r in rows:
        linked = (
            status_uri(base_url, r.parent_username, int(r.reblog_of_id or r.in_reply_to_id))
            if r.parent_username
            else None
        )
        items.append(
            activity(
                r,
                username,
                base_url,
                reblog_uri=linked if r.reblog_of_id else None,
                reply_uri=linked if r.in_reply_to_id else None,
                mentions=named[int(r.id)],
                tags=tagged[int(r.id)],
                media=media[int(r.id)],
            )
        )
    return items, ids[-1]


async def media_page(db: Database, owner: int, after: int) -> list[Any]:
    """The owner's posted media files with ids above `after`, a page of (id, file_key)."""
    m = media_attachments.c
    return list(
        await db.fetch_all(
            sa.select(m.id, m.file_key)
            .where(
                m.account_id == owner,
                m.status_id.is_not(None),
                m.state == "ready",
                m.file_key.is_not(None),
                m.id > after,
            )
            .order_by(m.id)
            .limit(PAGE)
        )
    )


async def liked_and_bookmarked(db: Database, owner: int, base_url: str) -> dict[str, list[str]]:
    """The URIs of the posts the owner liked and bookmarked (likes.json, bookmarks.json)."""
    out: dict[str, list[str]] = {}
    for name, table in (("likes.json", favourites), ("bookmarks.json", bookmarks)):
        rows = await db.fetch_all(
            sa.select(statuses.c.id, accounts.c.username)
            .select_from(
                table.join(statuses, statuses.c.id == table.c.status_id).join(
                    accounts, accounts.c.id == statuses.c.account_id
                )
            )
            .where(table.c.account_id == owner)
            .order_by(table.c.id)
        )
        out[name] = [status_uri(base_url, r.username, int(r.id)) for r in rows]
    return out
