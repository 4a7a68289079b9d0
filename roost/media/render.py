"""A media_attachments row as Mastodon's MediaAttachment: a pure function, which the
status renderer uses for `media_attachments` too."""

from __future__ import annotations

from typing import Any

from roost.media.entities import MediaAttachment
from roost.media.storage import MediaStorage


def render_attachment(row: Any, storage: MediaStorage) -> MediaAttachment:
    """`row` has the media_attachments columns. Until it is processed, `url` and
    `preview_url` are null (Mastodon.py and Ivory poll until `url` is set)."""
    ready = row.state == "ready"
    url = storage.url(row.file_key) if ready and row.file_key else None
    preview = storage.url(row.preview_key) if ready and row.preview_key else None
    meta: dict[str, Any] | None = dict(row.meta) if row.meta else None
    if meta is not None and not ready:
        meta = {k: v for k, v in meta.items() if k == "focus"} or None
    return MediaAttachment(
        id=str(row.id),
        type=row.type,
        url=url,
        preview_url=preview,
        meta=meta,
        description=row.description,
        blurhash=row.blurhash if ready else None,
    )
