"""Editing a status and reading its history. An edit is one transaction: the status row
locked first (two edits at once are recorded one after the other, neither lost), the
version it replaces kept, its mentions, tags and poll brought in line, its cached
rendering dropped, and a job that tells live streams and those who reposted it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from roost.accounts.entities import Account, CustomEmoji
from roost.cards.queue import queue_card
from roost.db import Database, Transaction
from roost.errors import NotFound
from roost.ids import new_id
from roost.jobs.queue import enqueue
from roost.media.attach import attach_media, check_media
from roost.polls.actions import NewPoll, check_poll, edit_poll, option_titles
from roost.statuses.compose import attach_tags, check_language, check_text, compose_text
from roost.statuses.entities import StatusEdit, StatusEditPoll, StatusEditPollOption
from roost.statuses.queries import access_status
from roost.statuses.render import status_key
from roost.statuses.tables import mentions, status_edits, status_tags, statuses
from roost.timeutil import iso, utcnow


@dataclass(frozen=True)
class StatusChange:
    """What `PUT /api/v1/statuses/:id` sends: the new version of the whole post."""

    text: str
    spoiler_text: str = ""
    sensitive: bool | None = None
    language: str | None = None
    poll: NewPoll | None = None
    keep_poll: bool = False  # the web's edit form: the poll stays as it is
    media_ids: tuple[int, ...] | None = None  # the media it now has, in order; None: keep


async def do_edit_status(
    db: Database, author_id: int, status_id: int, change: StatusChange, *, base_url: str,
    max_chars: int,
) -> None:  # fmt: skip
    """Edit one's own status; NotFound for another's, a deleted one, or a repost."""
    current = await db.fetch_one(sa.select(statuses).where(statuses.c.id == status_id))
    if current is None or current.account_id != author_id or current.reblog_of_id is not None:
        raise NotFound()
    poll = None if change.poll is None else check_poll(change.poll)
    media = None
    if change.media_ids is not None:
        has_poll = poll is not None or (change.keep_poll and current.poll_id is not None)
        media = await check_media(
            db, author_id, change.media_ids, status_id=status_id, with_poll=has_poll
        )
    with_media = bool(current.media_count) if media is None else bool(media)
    text = check_text(change.text, change.spoiler_text, max_chars, with_media=with_media)
    language = check_language(change.language)
    now = utcnow()
    composed = await compose_text(db, author_id, text, change.spoiler_text, base_url, now)
    sensitive = bool(change.sensitive) or bool(change.spoiler_text)
    if change.sensitive is None and not change.spoiler_text:
        sensitive = bool(current.sensitive)
    async with db.transaction() as tx:
        # Taking the row first serialises concurrent edits: each records the version the
        # previous one left.
        locked = await tx.execute(
            statuses.update().where(statuses.c.id == status_id).values(edited_at=now)
        )
        if locked.rowcount == 0:
            raise NotFound()  # deleted meanwhile
        before = await tx.fetch_one(sa.select(statuses).where(statuses.c.id == status_id))
        assert before is not None
        if not await _has_history(tx, status_id):  # the first edit keeps the original
            await _record(tx, before, before.created_at)
        poll_id = before.poll_id
        if not change.keep_poll:
            poll_id = await edit_poll(
                tx, status_id=status_id, author_id=author_id, poll_id=poll_id, poll=poll,
                now=now,
            )  # fmt: skip
        await tx.execute(
            statuses.update()
            .where(statuses.c.id == status_id)
            .values(
                text=text,
                content=composed.content,
                spoiler_text=change.spoiler_text,
                sensitive=sensitive,
                language=language or before.language,
                poll_id=poll_id,
                edited_at=now,
                **({} if media is None else {"media_count": len(media)}),
            )
        )
        if media is not None:
            await attach_media(tx, status_id, media, edit=True)
        await tx.execute(mentions.delete().where(mentions.c.status_id == status_id))
        if composed.mentioned:
            await tx.execute(
                mentions.insert(),
                [{"status_id": status_id, "account_id": m.id} for m in composed.mentioned],
            )
        await tx.execute(status_tags.delete().where(status_tags.c.status_id == status_id))
        if composed.tags:
            await attach_tags(tx, status_id, composed.tags, now)
        after = await tx.fetch_one(sa.select(statuses).where(statuses.c.id == status_id))
        await _record(tx, after, now)
        tx.invalidate(status_key(status_id))
        await enqueue(tx, "status_updated", {"status_id": status_id})
        if text != before.text:
            await queue_card(tx, status_id, text, edited=before.card_id is not None)


async def _has_history(tx: Transaction, status_id: int) -> bool:
    found = await tx.scalar(
        sa.select(status_edits.c.id).where(status_edits.c.status_id == status_id).limit(1)
    )
    return found is not None


async def _record(tx: Transaction, row: Any, at: Any) -> None:
    """Keep a version of the status (`row` as it is in `tx`) in its history."""
    titles = None if row.poll_id is None else await option_titles(tx, row.poll_id)
    await tx.execute(
        status_edits.insert(),
        [
            {
                "id": new_id(),
                "status_id": row.id,
                "account_id": row.account_id,
                "text": row.text,
                "content": row.content,
                "spoiler_text": row.spoiler_text,
                "sensitive": row.sensitive,
                "poll_options": titles,
                "created_at": at,
            }
        ],
    )


async def access_history(
    db: Database, viewer_id: int | None, status_id: int
) -> tuple[Any, list[Any]]:
    """The status (visible to the viewer, else NotFound) and its versions, oldest first;
    a status never edited has one: itself."""
    status = await access_status(db, viewer_id, status_id)
    if status.reblog_of_id is not None:
        raise NotFound()
    versions = await db.fetch_all(
        sa.select(status_edits)
        .where(status_edits.c.status_id == status_id)
        .order_by(status_edits.c.id)
    )
    return status, list(versions)


def edit_entity(row: Any, at: Any, account: Account, emojis: list[CustomEmoji]) -> StatusEdit:
    """A version (a status_edits row, or the status itself) as Mastodon's StatusEdit. Its
    poll: the options of a `poll_options` version, or of the status's current poll."""
    titles = row.poll_options if hasattr(row, "poll_options") else None
    poll = None
    if titles is not None:
        poll = StatusEditPoll(options=[StatusEditPollOption(title=t) for t in titles])
    return StatusEdit(
        content=row.content,
        spoiler_text=row.spoiler_text,
        sensitive=bool(row.sensitive),
        created_at=iso(at),
        account=account,
        poll=poll,
        media_attachments=[],
        emojis=[e for e in emojis if f":{e.shortcode}:" in f"{row.spoiler_text} {row.text}"],
    )
