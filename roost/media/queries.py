"""Reading media rows: an upload is its uploader's alone until it is posted (then the
status's visibility decides, in roost.statuses)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from roost.db import Database
from roost.errors import NotFound
from roost.media.tables import media_attachments


async def access_own_media(
    db: Database, account_id: int, media_id: int, *, unattached: bool = True
) -> Any:
    """One of the account's uploads (with `unattached`, only one not posted yet, as
    Mastodon's MediaController); NotFound for anyone else's."""
    m = media_attachments.c
    stmt = sa.select(media_attachments).where(m.id == media_id, m.account_id == account_id)
    if unattached:
        stmt = stmt.where(m.status_id.is_(None))
    row = await db.fetch_one(stmt)
    if row is None:
        raise NotFound()
    return row
