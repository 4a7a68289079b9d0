"""Writes to announcements: the staff's (create, edit, publish, delete) and everyone's
(dismiss, react). One transaction each; streams hear of changes after commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from roost.accounts.tables import accounts
from roost.announcements.tables import (
    announcement_dismissals,
    announcement_reactions,
    announcements,
)
from roost.db import Database, Transaction
from roost.emojis.queries import emojis_by_shortcode
from roost.errors import Invalid, NotFound
from roost.ids import new_id
from roost.pubsub import Event, encode_event
from roost.text.emoji import emoji_spans
from roost.text.entities import extract_entities
from roost.text.render import render_html
from roost.timeutil import utcnow

# Every user stream listens here: one message reaches every signed-in client, instead of
# Mastodon's one message per active account.
CHANNEL = "timeline:announcements"
MAX_TEXT = 5000
REACTION_LIMIT = 8  # different reactions per announcement (Mastodon's ReactionValidator)


@dataclass(frozen=True)
class AnnouncementChange:
    """What the staff's form or API sets on an announcement."""

    text: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    all_day: bool = False
    publish: bool = True


def _validate(change: AnnouncementChange) -> str:
    text = change.text.strip()
    if not text:
        raise Invalid("Text can't be blank")
    if len(text) > MAX_TEXT:
        raise Invalid(f"Text is too long (maximum is {MAX_TEXT} characters)")
    if (change.starts_at is None) != (change.ends_at is None):
        raise Invalid("Starts at and ends at must be given together")
    if change.starts_at and change.ends_at and change.ends_at <= change.starts_at:
        raise Invalid("Ends at must be after starts at")
    return text


async def _rendered(tx: Transaction, text: str, base_url: str) -> dict[str, Any]:
    """The text's HTML, and the local accounts it mentions and the tags it uses."""
    names: dict[str, str] = {}
    tags: dict[str, str] = {}
    for e in extract_entities(text):
        if e.kind == "mention":
            name = e.text.lstrip("@").split("@", 1)
            if len(name) == 1 or name[1] == base_url.split("://", 1)[1]:
                names[e.text] = name[0].lower()
        elif e.kind == "hashtag":
            tags.setdefault(e.text.lstrip("#").lower(), e.text.lstrip("#"))
    found: dict[str, Any] = {}
    if names:
        rows = await tx.fetch_all(
            sa.select(accounts.c.id, accounts.c.username, accounts.c.username_lower).where(
                accounts.c.username_lower.in_(set(names.values())),
                accounts.c.suspended_at.is_(None),
            )
        )
        found = {r.username_lower: r for r in rows}

    def mention_url(acct: str) -> str | None:
        row = found.get(names.get(acct, ""))
        return None if row is None else f"{base_url}/@{row.username}"

    content = render_html(
        text, mention_url=mention_url, tag_url=lambda t: f"{base_url}/tags/{t.lower()}"
    )
    mentioned = [found[n] for n in dict.fromkeys(names.values()) if n in found]
    return {
        "content": content,
        "mentions": [_mention(r, base_url) for r in mentioned],
        "tags": [{"name": lower, "url": f"{base_url}/tags/{lower}"} for lower in tags],
    }


def _mention(row: Any, base_url: str) -> dict[str, str]:
    url = f"{base_url}/@{row.username}"
    return {"id": str(row.id), "username": row.username, "acct": row.username, "url": url}


def _announce(tx: Transaction, event: str, id_: str) -> None:
    tx.publish(CHANNEL, encode_event(Event(event=event, id=id_)))


async def do_create_announcement(db: Database, base_url: str, change: AnnouncementChange) -> int:
    """Write an announcement, published at once unless `change.publish` is false."""
    text = _validate(change)
    now = utcnow()
    announcement_id = new_id()
    async with db.transaction() as tx:
        await tx.execute(
            announcements.insert(),
            [{"id": announcement_id, "text": text, **await _rendered(tx, text, base_url),
              "published": change.publish, "published_at": now if change.publish else None,
              "all_day": change.all_day, "starts_at": change.starts_at,
              "ends_at": change.ends_at, "created_at": now, "updated_at": now}],
        )  # fmt: skip
        if change.publish:
            _announce(tx, "announcement", str(announcement_id))
    return announcement_id


async def do_update_announcement(
    db: Database, base_url: str, announcement_id: int, change: AnnouncementChange
) -> None:
    """Edit an announcement; publish or withdraw it as `change.publish` says (a withdrawn
    one vanishes from clients as if deleted). NotFound if there is none."""
    text = _validate(change)
    now = utcnow()
    async with db.transaction() as tx:
        row = await tx.fetch_one(
            sa.select(announcements.c.published_at).where(announcements.c.id == announcement_id)
        )
        if row is None:
            raise NotFound()
        await tx.execute(
            announcements.update()
            .where(announcements.c.id == announcement_id)
            .values(text=text, **await _rendered(tx, text, base_url), published=change.publish,
                    published_at=(row.published_at or now) if change.publish else None,
                    all_day=change.all_day, starts_at=change.starts_at,
                    ends_at=change.ends_at, updated_at=now)
        )  # fmt: skip
        if change.publish:
            _announce(tx, "announcement", str(announcement_id))
        else:
            _announce(tx, "announcement.delete", str(announcement_id))


async def do_delete_announcement(db: Database, announcement_id: int) -> None:
    """Delete an announcement with its reactions and dismissals. NotFound if there is none."""
    async with db.transaction() as tx:
        done = await tx.execute(announcements.delete().where(announcements.c.id == announcement_id))
        if not done.rowcount:
            raise NotFound()
        _announce(tx, "announcement.delete", str(announcement_id))


async def _check_published(tx: Transaction, announcement_id: int) -> None:
    found = await tx.scalar(
        sa.select(announcements.c.id).where(
            announcements.c.id == announcement_id, announcements.c.published.is_(True)
        )
    )
    if found is None:
        raise NotFound()


async def do_dismiss(db: Database, account_id: int, announcement_id: int) -> None:
    """Mark a published announcement read for the account (again: no change)."""
    async with db.transaction() as tx:
        await _check_published(tx, announcement_id)
        key = {"announcement_id": announcement_id, "account_id": account_id}
        done = await tx.scalar(
            sa.select(sa.func.count())
            .select_from(announcement_dismissals)
            .where(
                announcement_dismissals.c.announcement_id == announcement_id,
                announcement_dismissals.c.account_id == account_id,
            )
        )
        if not done:
            await tx.execute(announcement_dismissals.insert(), [{**key, "created_at": utcnow()}])


async def _check_name(db: Database, name: str) -> None:
    if name and emoji_spans(name) == [(0, len(name))]:
        return
    if await emojis_by_shortcode(db, [name]):
        return
    raise Invalid("Name is not a recognized emoji")


async def do_add_reaction(db: Database, account_id: int, announcement_id: int, name: str) -> None:
    """React to a published announcement with a unicode emoji or a custom emoji's
    shortcode (again: no change); at most 8 different reactions per announcement."""
    await _check_name(db, name)
    async with db.transaction() as tx:
        await _check_published(tx, announcement_id)
        names = set(
            await tx.scalars(
                sa.select(announcement_reactions.c.name)
                .where(announcement_reactions.c.announcement_id == announcement_id)
                .distinct()
            )
        )
        mine = await tx.scalar(
            sa.select(sa.func.count())
            .select_from(announcement_reactions)
            .where(
                announcement_reactions.c.announcement_id == announcement_id,
                announcement_reactions.c.account_id == account_id,
                announcement_reactions.c.name == name,
            )
        )
        if mine:
            return
        if name not in names and len(names) >= REACTION_LIMIT:
            raise Invalid("Limit of different reactions already reached")
        await tx.execute(
            announcement_reactions.insert(),
            [{"announcement_id": announcement_id, "account_id": account_id, "name": name,
              "created_at": utcnow()}],
        )  # fmt: skip
        _announce(tx, "announcement.reaction", f"{announcement_id} {name}")


async def do_remove_reaction(
    db: Database, account_id: int, announcement_id: int, name: str
) -> None:
    """Take back one's reaction. NotFound if the account had not reacted so."""
    async with db.transaction() as tx:
        await _check_published(tx, announcement_id)
        done = await tx.execute(
            announcement_reactions.delete().where(
                announcement_reactions.c.announcement_id == announcement_id,
                announcement_reactions.c.account_id == account_id,
                announcement_reactions.c.name == name,
            )
        )
        if not done.rowcount:
            raise NotFound()
        _announce(tx, "announcement.reaction", f"{announcement_id} {name}")
