"""Removing what nobody will see: uploads never posted (after a day, as Mastodon's
`media remove`), and files whose media row is gone (an account deleted, a crash between
storing a file and committing its row). Used by the prune job and `roost media prune`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from roost.db import Database
from roost.db.prepared import any_of
from roost.ids import id_at
from roost.media.actions import delete_unattached
from roost.media.storage import MediaStorage
from roost.media.tables import media_attachments
from roost.timeutil import utcnow

BATCH = 200
PREFIX = "media_attachments/"
# Files are stored before their row commits: a file younger than this may be an upload
# under way, so it is left alone even without a row.
ORPHAN_GRACE = timedelta(hours=1)

Progress = Callable[[str, int], None]  # (what, how many more done)


@dataclass
class Pruned:
    media: int = 0  # unattached uploads removed (row and files)
    orphans: int = 0  # files removed whose row was gone
    bytes: int = 0  # size of the orphan files removed


def _ignore(_what: str, _n: int) -> None:
    return None


_UNATTACHED = (
    sa.select(media_attachments)
    .where(
        media_attachments.c.status_id.is_(None),
        media_attachments.c.scheduled_status_id.is_(None),  # a scheduled post holds it
        media_attachments.c.created_at < sa.bindparam("cutoff", type_=sa.DateTime),
    )
    .order_by(media_attachments.c.created_at)
    .limit(BATCH)
)
_EXISTING = sa.select(media_attachments.c.id).where(any_of(media_attachments.c.id, "ids"))


async def remaining_unattached(db: Database) -> bool:
    """Are there uploads not posted (yet)? The prune job runs again while there are."""
    row = await db.fetch_one(
        sa.select(media_attachments.c.id)
        .where(
            media_attachments.c.status_id.is_(None),
            media_attachments.c.scheduled_status_id.is_(None),
        )
        .limit(1)
    )
    return row is not None


async def prune(
    db: Database,
    storage: MediaStorage,
    *,
    older_than: timedelta = timedelta(days=1),
    orphans: bool = True,
    progress: Progress = _ignore,
) -> Pruned:
    """Remove unattached uploads older than `older_than` (row, then files), then, with
    `orphans`, files under media_attachments/ whose row is gone."""
    done = Pruned()
    cutoff = utcnow() - older_than
    skipped: set[int] = set()
    while True:
        rows = [r for r in await db.fetch_all(_UNATTACHED, {"cutoff": cutoff})
                if r.id not in skipped]  # fmt: skip
        if not rows:
            break
        for row in rows:
            if await delete_unattached(db, storage, row):
                done.media += 1
            else:
                skipped.add(row.id)
            progress("media", 1)
    if orphans:
        await _prune_orphans(db, storage, done, progress)
    return done


def media_id_of(key: str) -> int | None:
    """The media id a key under media_attachments/ belongs to."""
    part = key[len(PREFIX) :].split("/", 1)[0]
    return int(part) if part.isascii() and part.isdigit() and len(part) < 20 else None


async def _prune_orphans(
    db: Database, storage: MediaStorage, done: Pruned, progress: Progress
) -> None:
    newest = id_at(datetime.now(UTC) - ORPHAN_GRACE)
    batch: list[tuple[int, str, int]] = []

    async def settle() -> None:
        ids = sorted({media_id for media_id, _key, _size in batch})
        existing = set(await db.scalars(_EXISTING, {"ids": ids}))
        for media_id, key, size in batch:
            if media_id not in existing:
                await storage.delete(key)
                done.orphans += 1
                done.bytes += size
                progress("files", 1)
        batch.clear()

    async for stored in storage.files(PREFIX):
        media_id = media_id_of(stored.key)
        if media_id is None or media_id >= newest:
            continue
        batch.append((media_id, stored.key, stored.size))
        if len(batch) >= BATCH:
            await settle()
    if batch:
        await settle()
