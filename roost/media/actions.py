"""Uploading, describing and deleting media. Files are stored before the row that names
them is committed, and removed after the row is deleted, so a row never names a missing
file; a file left without a row (a crash between the two) is removed by the prune job.
Bad input stores nothing: it is refused before anything is written."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
import sqlalchemy as sa

from roost.db import Database, Transaction
from roost.errors import Invalid
from roost.ids import new_id
from roost.jobs.queue import enqueue
from roost.jobs.tables import jobs
from roost.media.limits import DESCRIPTION_LIMIT, IMAGE_LIMIT, VIDEO_LIMIT
from roost.media.outputs import Output, Processed
from roost.media.processing import media_type, process, thumbnail
from roost.media.queries import access_own_media
from roost.media.storage import MediaStorage
from roost.media.tables import media_attachments
from roost.timeutil import utcnow

PROCESS = "media.process"
PRUNE = "media.prune"
PRUNE_AFTER = 24 * 3600.0  # seconds an upload may stay unattached (Mastodon: a day)
IN_USE = "Media attachment is currently used by a status"


@dataclass(frozen=True)
class Upload:
    """An upload's parts, as a client sent them."""

    data: bytes
    content_type: str = ""
    description: str | None = None
    focus: str | None = None
    thumbnail: bytes | None = None


def parse_focus(focus: str) -> dict[str, float]:
    """Mastodon's focus "x,y", each from -1.0 to 1.0."""
    parts = focus.split(",")
    try:
        x, y = (float(part) for part in parts)
    except ValueError as exc:
        raise Invalid("Focus must be two numbers, x,y") from exc
    if not all(math.isfinite(v) and -1.0 <= v <= 1.0 for v in (x, y)):
        raise Invalid("Focus must be two numbers from -1.0 to 1.0")
    return {"x": x, "y": y}


def check_description(description: str | None) -> str | None:
    if description is not None and len(description) > DESCRIPTION_LIMIT:
        raise Invalid(f"Description is too long (maximum is {DESCRIPTION_LIMIT} characters)")
    return description or None


def _key(media_id: int, output: Output) -> str:
    return f"media_attachments/{media_id}/{secrets.token_hex(8)}-{output.role}{output.ext}"


async def store_outputs(
    storage: MediaStorage, media_id: int, outputs: list[Output]
) -> dict[str, str]:
    """Store `outputs`; returns role → key. On failure nothing stays stored."""
    stored: dict[str, str] = {}
    try:
        for output in outputs:
            key = _key(media_id, output)
            await storage.put(key, output.data, output.content_type)
            stored[output.role] = key
    except BaseException:
        await remove_files(storage, stored.values())
        raise
    return stored


async def remove_files(storage: MediaStorage, keys: Any) -> None:
    for key in keys:
        if key:
            await storage.delete(key)


async def _seed_prune(tx: Transaction) -> None:
    """Queue the prune job unless it is queued or running already (it queues itself
    again while unattached media remain)."""
    pending = await tx.fetch_one(
        sa.select(jobs.c.id)
        .where(jobs.c.kind == PRUNE, jobs.c.state.in_(("queued", "running")))
        .limit(1)
    )
    if pending is None:
        await enqueue(tx, PRUNE, {}, delay=PRUNE_AFTER)


def _meta(processed: Processed | None, focus: dict[str, float] | None) -> dict[str, Any]:
    meta = dict(processed.meta) if processed is not None else {}
    if focus is not None:
        meta["focus"] = focus
    return meta


async def do_upload(
    db: Database, storage: MediaStorage, account_id: int, upload: Upload, *, wait: bool
) -> Any:
    """Store an upload for `account_id`; returns its row. Images are processed at once;
    video, audio and gifv too with `wait` (POST /api/v1/media), else in a job, the row
    answering `state='processing'` until then (POST /api/v2/media)."""
    description = check_description(upload.description)
    focus = parse_focus(upload.focus) if upload.focus else None
    if not upload.data:
        raise Invalid("The file is empty")
    if len(upload.data) > VIDEO_LIMIT:
        raise Invalid(f"File file size must be less than {VIDEO_LIMIT // 1024 // 1024} MB")
    kind = await anyio.to_thread.run_sync(media_type, upload.data)
    if kind == "image" and len(upload.data) > IMAGE_LIMIT:
        raise Invalid(f"File file size must be less than {IMAGE_LIMIT // 1024 // 1024} MB")
    custom = None
    if upload.thumbnail:
        custom = await anyio.to_thread.run_sync(thumbnail, upload.thumbnail)
    processed = None
    if kind == "image" or wait:
        processed = await anyio.to_thread.run_sync(process, upload.data)
        kind = processed.type
    elif kind == "unknown":
        raise Invalid("File type of uploaded media could not be verified")
    media_id = new_id()
    outputs = list(processed.files) if processed is not None else []
    if custom is not None:
        outputs = [o for o in outputs if o.role != "small"] + [custom[0]]
    if processed is None:
        outputs.append(Output("upload", upload.data, ".bin", "application/octet-stream"))
    keys = await store_outputs(storage, media_id, outputs)
    meta = _meta(processed, focus)
    if custom is not None:
        meta["small"] = custom[1]
    now = utcnow()
    row = {
        "id": media_id, "account_id": account_id, "type": kind,
        "state": "ready" if processed is not None else "processing",
        "content_type": upload.content_type[:100] or "application/octet-stream",
        "upload_key": keys.get("upload"), "file_key": keys.get("original"),
        "preview_key": keys.get("small"), "file_size": len(upload.data),
        "meta": meta or None, "description": description,
        "blurhash": custom[2] if custom else processed.blurhash if processed else None,
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    try:
        async with db.transaction() as tx:
            await tx.execute(media_attachments.insert(), [row])
            if processed is None:
                await enqueue(tx, PROCESS, {"media_id": media_id})
            await _seed_prune(tx)
    except BaseException:
        await remove_files(storage, keys.values())
        raise
    return await access_own_media(db, account_id, media_id)


async def do_update_media(
    db: Database,
    storage: MediaStorage,
    account_id: int,
    media_id: int,
    *,
    description: str | None = None,
    focus: str | None = None,
    thumbnail_data: bytes | None = None,
) -> Any:
    """Change an unattached upload's alt text, focal point or preview; returns its row."""
    if description is not None:
        check_description(description)
    point = parse_focus(focus) if focus else None
    row = await access_own_media(db, account_id, media_id)
    custom = None
    if thumbnail_data:
        custom = await anyio.to_thread.run_sync(thumbnail, thumbnail_data)
    keys = await store_outputs(storage, media_id, [custom[0]]) if custom else {}
    m = media_attachments.c
    values: dict[str, Any] = {"updated_at": utcnow()}
    meta = dict(row.meta or {})
    if point is not None:
        meta["focus"] = point
    if custom is not None:
        values.update(preview_key=keys["small"], blurhash=custom[2])
        meta["small"] = custom[1]
    values["meta"] = meta or None
    if description is not None:
        values["description"] = description or None
    try:
        async with db.transaction() as tx:
            result = await tx.execute(
                media_attachments.update()
                .where(m.id == media_id, m.account_id == account_id, m.status_id.is_(None))
                .values(**values)
            )
            if result.rowcount != 1:
                raise Invalid(IN_USE)
    except BaseException:
        await remove_files(storage, keys.values())
        raise
    if custom is not None and row.preview_key:
        await storage.delete(row.preview_key)
    return await access_own_media(db, account_id, media_id)


async def do_delete_media(
    db: Database, storage: MediaStorage, account_id: int, media_id: int
) -> Any:
    """Delete an upload not attached to a status (Invalid for one that is): its row, then
    its files. Returns the row as it was."""
    row = await access_own_media(db, account_id, media_id, unattached=False)
    if row.status_id is not None or row.scheduled_status_id is not None:
        raise Invalid(IN_USE)
    if not await delete_unattached(db, storage, row):
        raise Invalid(IN_USE)
    return row


async def delete_unattached(db: Database, storage: MediaStorage, row: Any) -> bool:
    """Remove an unattached media row, then its files; False (and nothing removed) when a
    post (or a scheduled post) took it meanwhile. The row goes first: a post attaching it
    at the same moment then fails to find it, instead of showing missing files; a crash
    between the two leaves only files without a row, which the prune job removes."""
    m = media_attachments.c
    async with db.transaction() as tx:
        result = await tx.execute(
            media_attachments.delete().where(
                m.id == row.id, m.status_id.is_(None), m.scheduled_status_id.is_(None)
            )
        )
        if result.rowcount != 1:
            return False
    await remove_files(storage, (row.upload_key, row.file_key, row.preview_key))
    return True
