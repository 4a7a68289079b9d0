"""Pruning removes unattached uploads older than a day (row, then files) and files whose
row is gone, and nothing else; `roost media prune` and `roost media usage` do it from the
command line."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

from roost.config import Settings
from roost.db.migrate import upgrade
from roost.ids import id_at
from roost.instance import Roost
from roost.jobs.tables import jobs
from roost.media.actions import PRUNE, Upload, do_upload
from roost.media.prune import prune
from roost.media.tables import media_attachments
from roost.timeutil import utcnow
from tests.conftest import User
from tests.e2e.server import ROOST
from tests.media.conftest import png, stored_keys


async def _upload(client: httpx.AsyncClient, user: User) -> str:
    response = await client.post(
        "/api/v2/media", headers=user.auth, files={"file": ("p.png", png(), "image/png")}
    )
    assert response.status_code == 200
    media_id: str = response.json()["id"]
    return media_id


async def _age(roost: Roost, media_id: str, days: float) -> None:
    await roost.db.execute(
        media_attachments.update()
        .where(media_attachments.c.id == int(media_id))
        .values(created_at=utcnow() - timedelta(days=days))
    )


async def _ids(roost: Roost) -> set[str]:
    return {str(i) for i in await roost.db.scalars(sa.select(media_attachments.c.id))}


async def test_prune_removes_what_it_should_and_nothing_else(
    client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    old_unattached = await _upload(client, alice)
    old_posted = await _upload(client, alice)
    fresh = await _upload(client, alice)
    posted = await client.post(
        "/api/v1/statuses", headers=alice.auth, json={"status": "hi", "media_ids": [old_posted]}
    )
    assert posted.status_code == 200, posted.text
    for media_id in (old_unattached, old_posted):
        await _age(media_roost, media_id, 2)
    storage = media_roost.media_storage
    # Files whose row is gone: an old one (removed) and one of an upload under way (kept).
    old_orphan = f"media_attachments/{id_at(datetime.now(UTC) - timedelta(days=3))}/x-original.png"
    new_orphan = f"media_attachments/{id_at(datetime.now(UTC))}/y-original.png"
    await storage.put(old_orphan, b"1234", "image/png")
    await storage.put(new_orphan, b"1", "image/png")
    await storage.put("accounts/avatars/1-abc.webp", b"1", "image/webp")
    before = set(await stored_keys(storage))
    gone = {k for k in before if f"/{old_unattached}/" in k} | {old_orphan}
    assert len(gone) == 3

    pruned = await prune(media_roost.db, storage)

    assert pruned.media == 1
    assert pruned.orphans == 1
    assert pruned.bytes == 4
    assert await _ids(media_roost) == {old_posted, fresh}
    assert set(await stored_keys(storage)) == before - gone
    again = await prune(media_roost.db, storage)
    assert (again.media, again.orphans) == (0, 0)


async def test_an_upload_queues_the_daily_prune_job_once(
    client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    await _upload(client, alice)
    await _upload(client, alice)
    queued = await media_roost.db.fetch_all(sa.select(jobs).where(jobs.c.kind == PRUNE))
    assert len(queued) == 1
    assert queued[0].run_at > utcnow() + timedelta(hours=23)


async def test_the_prune_job_removes_old_uploads_and_comes_back(
    client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    old = await _upload(client, alice)
    fresh = await _upload(client, alice)
    await _age(media_roost, old, 2)
    await media_roost.db.execute(jobs.update().where(jobs.c.kind == PRUNE).values(run_at=utcnow()))
    assert media_roost.worker is not None
    await media_roost.worker.run_pending()
    assert await _ids(media_roost) == {fresh}
    # The fresh upload is still unattached: the job comes back for it in a day.
    queued = await media_roost.db.fetch_all(sa.select(jobs).where(jobs.c.kind == PRUNE))
    assert len(queued) == 1
    assert queued[0].run_at > utcnow() + timedelta(hours=23)


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    env["ROOST_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [ROOST, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


async def test_media_usage_and_prune_commands(tmp_path: Path) -> None:
    data = tmp_path / "var"
    made = _cli(data, "users", "create", "alice", "--email", "a@example.com")
    assert made.returncode == 0, made.stderr
    settings = Settings.from_env({"ROOST_DATA_DIR": str(data)}).with_secret()
    await upgrade(settings.database_url)
    roost = Roost(settings)
    try:
        account_id = await roost.db.scalar(sa.text("SELECT id FROM accounts"))
        rows = [
            await do_upload(roost.db, roost.media_storage, account_id,
                            Upload(png((200, 100), mode="RGB")), wait=False)
            for _ in range(2)
        ]  # fmt: skip
        await roost.db.execute(
            media_attachments.update()
            .where(media_attachments.c.id == rows[0].id)
            .values(created_at=utcnow() - timedelta(days=2))
        )
    finally:
        await roost.close()
        await roost.db.dispose()

    usage = _cli(data, "media", "usage")
    assert usage.returncode == 0, usage.stderr
    image_line = next(line for line in usage.stdout.splitlines() if " image " in line)
    assert "unattached" in image_line
    assert " 2 " in image_line  # two uploads
    assert " 4 " in image_line  # their four files

    pruned = _cli(data, "media", "prune")
    assert pruned.returncode == 0, pruned.stderr
    assert "Removed 1 unattached uploads" in pruned.stderr
    left = sorted(p.name for p in (data / "media").rglob("*") if p.is_file())
    assert len(left) == 2
    assert all(str(rows[1].id) in str(p) for p in (data / "media").rglob("*") if p.is_file())
