"""Media jobs: processing a video, audio or gifv upload (POST /api/v2/media answers 202
before it), and the daily prune."""

from __future__ import annotations

import logging
from typing import Any

import anyio.to_thread
import sqlalchemy as sa

from roost.errors import Invalid
from roost.jobs.context import JobContext
from roost.jobs.queue import enqueue
from roost.jobs.registry import job
from roost.media.actions import PROCESS, PRUNE, PRUNE_AFTER, remove_files, store_outputs
from roost.media.backends import storage_of
from roost.media.outputs import Output
from roost.media.processing import process
from roost.media.prune import prune, remaining_unattached
from roost.media.tables import media_attachments
from roost.timeutil import utcnow

log = logging.getLogger("roost.media")


async def _fail(context: JobContext, media_id: int, error: str) -> None:
    m = media_attachments.c
    async with context.db.transaction() as tx:
        await tx.execute(
            media_attachments.update()
            .where(m.id == media_id, m.state == "processing")
            .values(state="failed", error=error[:300], upload_key=None, updated_at=utcnow())
        )


@job(PROCESS)
async def process_media(context: JobContext, payload: dict[str, Any]) -> None:
    """Process an upload stored as received; the row becomes `ready` (with its files) or
    `failed` (with `error`, and no file left). Runs again harmlessly: a row no longer
    processing is left alone."""
    media_id = int(payload["media_id"])
    storage = storage_of(context)
    m = media_attachments.c
    row = await context.db.fetch_one(sa.select(media_attachments).where(m.id == media_id))
    if row is None or row.state != "processing":
        return
    data = await storage.get(row.upload_key) if row.upload_key else None
    if data is None:
        await _fail(context, media_id, "The uploaded file is missing")
        return
    try:
        processed = await anyio.to_thread.run_sync(process, data)
    except Invalid as exc:
        await _fail(context, media_id, exc.message)
        await storage.delete(row.upload_key)
        return
    outputs: list[Output] = list(processed.files)
    if row.preview_key:  # the client sent its own thumbnail
        outputs = [o for o in outputs if o.role != "small"]
    keys = await store_outputs(storage, media_id, outputs)
    meta = dict(processed.meta)
    for kept in ("focus", "small") if row.preview_key else ("focus",):
        if row.meta and kept in row.meta:
            meta[kept] = row.meta[kept]
    values: dict[str, Any] = {
        "state": "ready", "type": processed.type, "file_key": keys["original"],
        "upload_key": None, "meta": meta, "updated_at": utcnow(),
    }  # fmt: skip
    if not row.preview_key:
        values.update(preview_key=keys.get("small"), blurhash=processed.blurhash)
    async with context.db.transaction() as tx:
        result = await tx.execute(
            media_attachments.update()
            .where(m.id == media_id, m.state == "processing")
            .values(**values)
        )
    if result.rowcount != 1:  # deleted (or done by another run) meanwhile
        await remove_files(storage, keys.values())
        return
    await storage.delete(row.upload_key)


@job(PRUNE)
async def prune_media(context: JobContext, payload: dict[str, Any]) -> None:
    """Remove uploads unattached for a day and files whose row is gone; then come back in
    a day while unattached uploads remain (the next upload queues it otherwise)."""
    pruned = await prune(context.db, storage_of(context))
    log.info("media pruned", extra={"media": pruned.media, "orphan_files": pruned.orphans})
    if await remaining_unattached(context.db):
        async with context.db.transaction() as tx:
            await enqueue(tx, PRUNE, {}, delay=PRUNE_AFTER)
