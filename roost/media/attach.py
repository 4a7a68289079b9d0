"""Attaching uploaded media to a status: on posting, editing and scheduling, checked as
Mastodon checks them (PostStatusService#validate_media!), inside the write's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from roost.db import Database, Transaction
from roost.db.prepared import any_of
from roost.errors import Invalid
from roost.media.tables import media_attachments

MAX_ATTACHMENTS = 4  # Mastodon's Status::MEDIA_ATTACHMENTS_LIMIT
ALONE_TYPES = ("video", "audio")  # only one of these to a post, and nothing beside it
NOT_READY = "Cannot attach files that have not finished processing. Try again in a moment!"

_ROWS = sa.select(media_attachments).where(
    media_attachments.c.account_id == sa.bindparam("account_id", type_=sa.BigInteger),
    any_of(media_attachments.c.id, "ids"),
)
_ATTACH = (
    media_attachments.update()
    .where(
        media_attachments.c.id == sa.bindparam("p_id", type_=sa.BigInteger),
        sa.or_(
            media_attachments.c.status_id.is_(None),
            media_attachments.c.status_id == sa.bindparam("p_status", type_=sa.BigInteger),
        ),
    )
    .values(
        status_id=sa.bindparam("p_status", type_=sa.BigInteger),
        position=sa.bindparam("p_position", type_=sa.SmallInteger),
        scheduled_status_id=None,
    )
)
_DETACH = (
    media_attachments.update()
    .where(
        media_attachments.c.status_id == sa.bindparam("p_status", type_=sa.BigInteger),
        sa.not_(any_of(media_attachments.c.id, "keep")),
    )
    .values(status_id=None, position=None)
)
_HOLD = (
    media_attachments.update()
    .where(
        any_of(media_attachments.c.id, "ids"),
        media_attachments.c.status_id.is_(None),
        media_attachments.c.scheduled_status_id.is_(None),
    )
    .values(scheduled_status_id=sa.bindparam("p_scheduled", type_=sa.BigInteger))
)
_DETACH_ALL = (
    media_attachments.update()
    .where(any_of(media_attachments.c.status_id, "ids"))
    .values(status_id=None, position=None)
)
_FOR_STATUSES = (
    sa.select(media_attachments)
    .where(any_of(media_attachments.c.status_id, "ids"))
    .order_by(media_attachments.c.status_id, media_attachments.c.position)
)


def parse_media_ids(values: Sequence[Any]) -> list[int]:
    """`media_ids[]` as given: ids, in order, no repeats; Invalid for more than four."""
    ids = list(dict.fromkeys(int(v) for v in values))
    if len(ids) > MAX_ATTACHMENTS:
        raise Invalid(f"Cannot attach more than {MAX_ATTACHMENTS} files")
    return ids


async def check_media(
    db: Database | Transaction,
    account_id: int,
    media_ids: Sequence[int],
    *,
    status_id: int | None = None,
    scheduled_id: int | None = None,
    with_poll: bool = False,
) -> list[Any]:
    """The media rows of `media_ids`, in that order, fit to attach to a post: at most four,
    the account's own, processed, attached to no other status (`status_id`: the status
    being edited) and held by no other scheduled post (`scheduled_id`); a video or audio
    file alone; none beside a poll. Invalid (422) otherwise."""
    ids = parse_media_ids(media_ids)
    if not ids:
        return []
    if with_poll:
        raise Invalid("A post cannot have both media attachments and a poll")
    found = {r.id: r for r in await db.fetch_all(_ROWS, {"account_id": account_id, "ids": ids})}
    missing = [
        i
        for i in ids
        if i not in found
        or found[i].status_id not in (None, status_id)
        or found[i].scheduled_status_id not in (None, scheduled_id)
    ]
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise Invalid(f"Media {listed} not found or already attached to another post")
    rows = [found[i] for i in ids]
    if len(rows) > 1 and any(r.type in ALONE_TYPES for r in rows):
        raise Invalid("Cannot attach a video or audio file to a post with other files")
    if any(r.state != "ready" for r in rows):
        failed = [r for r in rows if r.state == "failed"]
        if failed:
            raise Invalid(f"Media {failed[0].id} could not be processed: {failed[0].error}")
        raise Invalid(
            "Cannot attach files that have not finished processing. Try again in a moment!"
        )
    return rows


async def attach_media(
    tx: Transaction, status_id: int, rows: Sequence[Any], *, edit: bool = False
) -> None:
    """Attach checked media (`check_media`) to a status, in order, and (an `edit`) detach
    what it had and no longer lists. A file another post took meanwhile makes it Invalid:
    the caller's transaction then writes nothing."""
    if edit:
        await tx.execute(_DETACH, [{"p_status": status_id, "keep": [r.id for r in rows]}])
    for position, row in enumerate(rows):
        done = await tx.execute(
            _ATTACH, [{"p_id": row.id, "p_status": status_id, "p_position": position}]
        )
        if done.rowcount != 1:
            raise Invalid(f"Media {row.id} not found or already attached to another post")


async def hold_media(tx: Transaction, scheduled_id: int, rows: Sequence[Any]) -> None:
    """Keep checked media for a scheduled post until it is published (or cancelled)."""
    if not rows:
        return
    done = await tx.execute(_HOLD, [{"ids": [r.id for r in rows], "p_scheduled": scheduled_id}])
    if done.rowcount != len(rows):
        raise Invalid("Media not found or already attached to another post")


async def detach_media(tx: Transaction, status_ids: Sequence[int]) -> None:
    """Statuses being deleted: their media stay, unattached, for a "delete and redraft"
    to post again (the prune job removes them after a day)."""
    await tx.execute(_DETACH_ALL, [{"ids": list(status_ids)}])


async def media_of_statuses(
    db: Database | Transaction, status_ids: Sequence[int]
) -> dict[int, list[Any]]:
    """The media rows of each of `status_ids`, in their order (one query)."""
    found: dict[int, list[Any]] = {}
    if not status_ids:
        return found
    for row in await db.fetch_all(_FOR_STATUSES, {"ids": list(status_ids)}):
        found.setdefault(row.status_id, []).append(row)
    return found
