"""Reading announcements: the active ones as a user sees them (four queries, however
many there are), the staff's list of all, and one reaction's count for the streams."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from roost.accounts.entities import CustomEmoji
from roost.announcements.entities import (
    Announcement,
    AnnouncementAccount,
    AnnouncementTag,
    Reaction,
    ReactionCount,
)
from roost.announcements.tables import (
    announcement_dismissals,
    announcement_reactions,
    announcements,
)
from roost.db import Database
from roost.db.prepared import any_of
from roost.emojis.queries import emojis_by_shortcode, shortcodes_in
from roost.errors import NotFound
from roost.timeutil import iso, iso_or_none, utcnow

# Mastodon's `chronological`: by when it starts, else when it was published or written.
_ORDER = sa.func.coalesce(
    announcements.c.starts_at, announcements.c.published_at, announcements.c.created_at
)
_ACTIVE = (
    sa.select(announcements)
    .where(
        announcements.c.published.is_(True),
        sa.or_(
            announcements.c.ends_at.is_(None),
            announcements.c.ends_at > sa.bindparam("now", type_=sa.DateTime),
        ),
    )
    .order_by(_ORDER, announcements.c.id)
)
_REACTIONS = (
    sa.select(
        announcement_reactions.c.announcement_id,
        announcement_reactions.c.name,
        sa.func.count().label("n"),
        sa.func.max(
            sa.case((announcement_reactions.c.account_id == sa.bindparam("me"), 1), else_=0)
        ).label("me"),
    )
    .where(any_of(announcement_reactions.c.announcement_id, "ids"))
    .group_by(announcement_reactions.c.announcement_id, announcement_reactions.c.name)
    .order_by(sa.func.min(announcement_reactions.c.created_at), announcement_reactions.c.name)
)
_DISMISSED = sa.select(announcement_dismissals.c.announcement_id).where(
    any_of(announcement_dismissals.c.announcement_id, "ids"),
    announcement_dismissals.c.account_id == sa.bindparam("me"),
)


async def access_announcements(
    db: Database, viewer_id: int, announcement_id: int | None = None
) -> list[Announcement]:
    """The published announcements that have not ended, oldest first, each with whether
    the viewer dismissed it (`read`) and the reactions (with the viewer's own, `me`);
    only `announcement_id` when given."""
    rows = await db.fetch_all(_ACTIVE, {"now": utcnow()})
    if announcement_id is not None:
        rows = [r for r in rows if r.id == announcement_id]
    return await _render(db, viewer_id, rows)


async def _render(db: Database, viewer_id: int, rows: Sequence[Any]) -> list[Announcement]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    params = {"ids": ids, "me": viewer_id}
    reactions = await db.fetch_all(_REACTIONS, params)
    dismissed = set(await db.scalars(_DISMISSED, params))
    codes = shortcodes_in(*(r.text for r in rows))
    emojis = await emojis_by_shortcode(db, list({*codes, *(x.name for x in reactions)}))
    by_announcement: dict[int, list[Reaction]] = {}
    for x in reactions:
        emoji = emojis.get(x.name)
        by_announcement.setdefault(x.announcement_id, []).append(
            Reaction(
                name=x.name,
                count=int(x.n),
                me=bool(x.me),
                url=emoji.url if emoji else None,
                static_url=emoji.static_url if emoji else None,
            )
        )
    return [
        Announcement(
            id=str(r.id),
            content=r.content,
            starts_at=iso_or_none(r.starts_at),
            ends_at=iso_or_none(r.ends_at),
            all_day=bool(r.all_day),
            published_at=iso_or_none(r.published_at),
            updated_at=iso(r.updated_at),
            read=r.id in dismissed,
            mentions=[AnnouncementAccount(**m) for m in r.mentions],
            statuses=[],  # Roost does not link posts from announcements
            tags=[AnnouncementTag(**t) for t in r.tags],
            emojis=_emojis_of(r.text, emojis),
            reactions=by_announcement.get(r.id, []),
        )
        for r in rows
    ]


def _emojis_of(text: str, known: dict[str, CustomEmoji]) -> list[CustomEmoji]:
    return [known[c] for c in shortcodes_in(text) if c in known]


async def all_announcements(db: Database) -> Sequence[Any]:
    """Every announcement, published or not, newest first (the staff's page)."""
    return await db.fetch_all(
        sa.select(announcements).order_by(announcements.c.created_at.desc()).limit(200)
    )


async def announcement_row(db: Database, announcement_id: int) -> Any:
    """One announcement as stored (the staff's edit form); NotFound if there is none."""
    row = await db.fetch_one(sa.select(announcements).where(announcements.c.id == announcement_id))
    if row is None:
        raise NotFound()
    return row


async def reaction_count(db: Database, announcement_id: int, name: str) -> ReactionCount:
    """How many reacted to the announcement with `name` (streams' `announcement.reaction`)."""
    count = await db.scalar(
        sa.select(sa.func.count())
        .select_from(announcement_reactions)
        .where(
            announcement_reactions.c.announcement_id == announcement_id,
            announcement_reactions.c.name == name,
        )
    )
    emoji = (await emojis_by_shortcode(db, [name])).get(name)
    return ReactionCount(
        name=name,
        count=int(count or 0),
        announcement_id=str(announcement_id),
        url=emoji.url if emoji else None,
        static_url=emoji.static_url if emoji else None,
    )
