"""The archive of one's posts and media (Mastodon's "Request your archive"): a job writes
a zip (outbox.json, actor.json, likes.json, bookmarks.json, the media files, avatar and
header) to a temporary file a page of posts or one media file at a time, then stores it in
the media store in parts of PART_SIZE, so neither building nor downloading ever holds the
whole archive in memory. The archive is removed a week later, by a job."""

from __future__ import annotations

import json
import posixpath
import secrets
import tempfile
import zipfile
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import IO, Any

import anyio.to_thread
import sqlalchemy as sa

from roost.accounts.tables import accounts
from roost.db import Database
from roost.errors import Invalid
from roost.ids import new_id
from roost.jobs.queue import enqueue
from roost.media.storage import MediaStorage
from roost.portability.activitystreams import actor, collection
from roost.portability.archive_data import liked_and_bookmarked, media_page, posts_page
from roost.portability.tables import archives
from roost.statuses.tables import statuses
from roost.timeutil import utcnow

ARCHIVE_JOB = "portability.archive"
EXPIRE_JOB = "portability.archive_expire"
PART_SIZE = 8 * 1024 * 1024
KEEP_FOR = timedelta(days=7)
MIN_AGE = timedelta(days=6)  # Mastodon's BackupPolicy: one archive every 6 days


async def do_request_archive(db: Database, account_id: int) -> int:
    """Queue the making of an archive; Invalid when one was asked for in the last 6 days."""
    async with db.transaction() as tx:
        recent = await tx.scalar(
            sa.select(archives.c.id).where(
                archives.c.account_id == account_id,
                archives.c.created_at >= utcnow() - MIN_AGE,
                archives.c.state != "failed",
            )
        )
        if recent is not None:
            raise Invalid("You can request an archive once every 6 days")
        archive_id = new_id()
        await tx.execute(
            archives.insert(),
            [{"id": archive_id, "account_id": account_id, "state": "pending",
              "created_at": utcnow()}],
        )  # fmt: skip
        await enqueue(tx, ARCHIVE_JOB, {"archive": archive_id})
    return archive_id


def _write(zf: zipfile.ZipFile, name: str, data: bytes, compress: bool = True) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o444 << 16
    zf.writestr(info, data)


def _profile_key(storage: MediaStorage, url: str | None) -> str | None:
    probe = "accounts/x"
    prefix = storage.url(probe)[: -len(probe)]
    return url[len(prefix) :] if url and url.startswith(prefix + "accounts/") else None


async def _outbox(
    db: Database, zf: zipfile.ZipFile, archive_id: int, owner: int, username: str, base_url: str
) -> None:
    total = int(
        await db.scalar(
            sa.select(sa.func.count()).select_from(statuses).where(statuses.c.account_id == owner)
        )
    )
    await db.execute(archives.update().where(archives.c.id == archive_id).values(total_items=total))
    head = {"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json",
            "type": "OrderedCollection", "totalItems": total}  # fmt: skip
    info = zipfile.ZipInfo("outbox.json", date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=True) as out:
        out.write(json.dumps(head)[:-1].encode() + b', "orderedItems": [')
        after, done, first = 0, 0, True
        while True:
            items, last = await posts_page(db, owner, username, base_url, after)
            if last is None:
                break
            chunk = ",".join(json.dumps(i, ensure_ascii=False) for i in items)
            await anyio.to_thread.run_sync(out.write, (("" if first else ",") + chunk).encode())
            first, after, done = False, last, done + len(items)
            await db.execute(
                archives.update().where(archives.c.id == archive_id).values(processed_items=done)
            )
        out.write(b"]}")


async def _files(
    db: Database, storage: MediaStorage, zf: zipfile.ZipFile, owner: int, account: Any
) -> tuple[str | None, str | None]:
    after = 0
    while page := await media_page(db, owner, after):
        for m in page:
            data = await storage.get(m.file_key)
            if data is not None:  # a file lost from the store is left out, as Mastodon does
                await anyio.to_thread.run_sync(_write, zf, m.file_key, data, False)
        after = int(page[-1].id)
    names: list[str | None] = []
    for kind, url in (("avatar", account.avatar), ("header", account.header)):
        key = _profile_key(storage, url)
        data = await storage.get(key) if key else None
        if key is None or data is None:
            names.append(None)
            continue
        name = kind + posixpath.splitext(key)[1]
        await anyio.to_thread.run_sync(_write, zf, name, data, False)
        names.append(name)
    return names[0], names[1]


async def _store(storage: MediaStorage, tmp: IO[bytes], key: str) -> tuple[int, int]:
    """The built zip into the store in parts; returns (size, parts)."""
    tmp.seek(0)
    size = parts = 0
    while chunk := await anyio.to_thread.run_sync(tmp.read, PART_SIZE):
        await storage.put(f"{key}/{parts:05d}.bin", chunk, "application/octet-stream")
        size, parts = size + len(chunk), parts + 1
    return size, parts


async def build_archive(
    db: Database, storage: MediaStorage, archive_id: int, base_url: str
) -> None:
    """Make the archive (again, from the start, if a worker died while making it)."""
    row = await db.fetch_one(sa.select(archives).where(archives.c.id == archive_id))
    if row is None or row.state != "pending":
        return
    owner = int(row.account_id)
    account = await db.fetch_one(sa.select(accounts).where(accounts.c.id == owner))
    if account is None:
        return
    key = row.file_key or f"archives/{archive_id}-{secrets.token_hex(16)}"
    await db.execute(archives.update().where(archives.c.id == archive_id).values(file_key=key))
    with tempfile.TemporaryFile() as tmp:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
            await _outbox(db, zf, archive_id, owner, account.username, base_url)
            icon, image = await _files(db, storage, zf, owner, account)
            for name, items in (await liked_and_bookmarked(db, owner, base_url)).items():
                _write(zf, name, json.dumps(collection(name, items)).encode())
            _write(zf, "actor.json", json.dumps(actor(account, base_url, icon, image)).encode())
        size, parts = await _store(storage, tmp, key)
    async with db.transaction() as tx:
        await tx.execute(
            archives.update()
            .where(archives.c.id == archive_id)
            .values(state="ready", size=size, parts=parts, finished_at=utcnow())
        )
        await enqueue(tx, EXPIRE_JOB, {"archive": archive_id}, delay=KEEP_FOR.total_seconds())


async def mark_failed(db: Database, archive_id: int, error: str) -> None:
    """The archive could not be made: it says so, and goes (with any part stored) in a
    week, as a ready one would."""
    async with db.transaction() as tx:
        await tx.execute(
            archives.update()
            .where(archives.c.id == archive_id, archives.c.state == "pending")
            .values(state="failed", error=error[:300], finished_at=utcnow())
        )
        await enqueue(tx, EXPIRE_JOB, {"archive": archive_id}, delay=KEEP_FOR.total_seconds())


async def expire_archive(db: Database, storage: MediaStorage, archive_id: int) -> None:
    """Remove an archive's file and row (a week after it was made)."""
    row = await db.fetch_one(sa.select(archives).where(archives.c.id == archive_id))
    if row is None:
        return
    if row.file_key:  # every part stored, even of an archive that failed half-way
        async for stored in storage.files(f"{row.file_key}/"):
            await storage.delete(stored.key)
    await db.execute(archives.delete().where(archives.c.id == archive_id))


async def archive_chunks(storage: MediaStorage, file_key: str, parts: int) -> AsyncIterator[bytes]:
    """The stored archive's bytes, a part at a time (the download's body)."""
    for n in range(parts):
        data = await storage.get(f"{file_key}/{n:05d}.bin")
        if data is None:
            return
        yield data
