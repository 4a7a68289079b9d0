"""What the media store holds: files and bytes per media type, posted or not (`roost
media usage`), from the store's own listing joined with the media rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from roost.db import Database
from roost.db.prepared import any_of
from roost.media.prune import PREFIX, media_id_of
from roost.media.storage import MediaStorage
from roost.media.tables import media_attachments

BATCH = 500


@dataclass
class Line:
    media: int = 0  # media rows
    files: int = 0
    bytes: int = 0


@dataclass
class Usage:
    """Keyed by (type, "attached" | "unattached"); profile images and files without a row
    apart."""

    media: dict[tuple[str, str], Line] = field(default_factory=lambda: defaultdict(Line))
    profile_images: Line = field(default_factory=Line)
    orphans: Line = field(default_factory=Line)


_ROWS = sa.select(
    media_attachments.c.id, media_attachments.c.type, media_attachments.c.status_id
).where(any_of(media_attachments.c.id, "ids"))


async def media_usage(db: Database, storage: MediaStorage) -> Usage:
    """Walk the store once; rows are read in batches of its keys."""
    usage = Usage()
    pending: dict[int, list[int]] = {}  # media id -> sizes of its files

    async def settle() -> None:
        rows = await db.fetch_all(_ROWS, {"ids": sorted(pending)})
        seen = {row.id: row for row in rows}
        for media_id, sizes in pending.items():
            row = seen.get(media_id)
            if row is None:
                line = usage.orphans
            else:
                line = usage.media[
                    (row.type, "unattached" if row.status_id is None else "attached")
                ]
                line.media += 1
            line.files += len(sizes)
            line.bytes += sum(sizes)
        pending.clear()

    async for stored in storage.files():
        if not stored.key.startswith(PREFIX):
            usage.profile_images.files += 1
            usage.profile_images.bytes += stored.size
            continue
        media_id = media_id_of(stored.key)
        if media_id is None:
            usage.orphans.files += 1
            usage.orphans.bytes += stored.size
            continue
        if media_id not in pending and len(pending) >= BATCH:
            await settle()
        pending.setdefault(media_id, []).append(stored.size)
    if pending:
        await settle()
    return usage
