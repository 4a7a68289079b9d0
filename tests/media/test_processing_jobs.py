"""Video, audio and gifv: POST /api/v2/media answers 202 with `url` null, GET answers 206
until the job has run, then 200; a failing job leaves `failed` and no file."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa

from roost.app import create_app
from roost.instance import Roost
from roost.media.tables import media_attachments
from tests.conftest import User
from tests.media.conftest import animated_gif, mp4_video, stored_keys, wav_audio


@pytest.fixture
async def quiet_client(media_roost: Roost) -> AsyncIterator[httpx.AsyncClient]:
    """A client after whose requests no job runs (the test runs them)."""
    app = create_app(media_roost.settings, media_roost)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _run_jobs(roost: Roost) -> None:
    assert roost.worker is not None
    await roost.worker.run_pending()


async def test_video_is_processed_in_a_job(
    quiet_client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    response = await quiet_client.post(
        "/api/v2/media",
        headers=alice.auth,
        files={"file": ("clip.mp4", mp4_video(seconds=1.0, fps=24), "video/mp4")},
        data={"description": "A short clip"},
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["type"] == "video"
    assert body["url"] is None
    assert body["preview_url"] is None
    media_id = body["id"]
    pending = await quiet_client.get(f"/api/v1/media/{media_id}", headers=alice.auth)
    assert pending.status_code == 206
    assert pending.json()["url"] is None
    await _run_jobs(media_roost)
    done = await quiet_client.get(f"/api/v1/media/{media_id}", headers=alice.auth)
    assert done.status_code == 200
    ready = done.json()
    assert ready["url"].endswith(".mp4")
    assert ready["preview_url"].endswith(".jpg")
    assert ready["description"] == "A short clip"
    meta = ready["meta"]
    assert meta["original"]["width"] == 96
    assert meta["original"]["height"] == 64
    assert meta["original"]["frame_rate"] == "24/1"
    assert 0.9 < meta["original"]["duration"] < 1.2
    assert meta["original"]["bitrate"] > 0
    assert meta["fps"] == 24
    assert 0.9 < meta["duration"] < 1.2
    assert meta["small"]["size"] == "96x64"
    assert ready["blurhash"]
    # The upload as received is gone; the video and its preview remain.
    keys = await stored_keys(media_roost.media_storage)
    assert len(keys) == 2
    assert not any(key.endswith(".bin") for key in keys)


async def test_animated_gif_becomes_gifv(
    quiet_client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    response = await quiet_client.post(
        "/api/v2/media", headers=alice.auth,
        files={"file": ("loop.gif", animated_gif(), "image/gif")},
    )  # fmt: skip
    assert response.status_code == 202
    await _run_jobs(media_roost)
    done = await quiet_client.get(f"/api/v1/media/{response.json()['id']}", headers=alice.auth)
    assert done.status_code == 200
    body = done.json()
    assert body["type"] == "gifv"
    assert body["url"].endswith(".mp4")
    assert body["meta"]["original"]["width"] == 60  # even, for H.264
    storage = media_roost.media_storage
    from tests.media.conftest import key_of

    data = await storage.get(key_of(storage, body["url"]))
    assert data is not None
    assert data[4:8] == b"ftyp"


async def test_v1_waits_for_audio(client: httpx.AsyncClient, media_roost: Roost,
                                  alice: User) -> None:  # fmt: skip
    response = await client.post(
        "/api/v1/media", headers=alice.auth, files={"file": ("a.wav", wav_audio(), "audio/wav")}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["type"] == "audio"
    assert body["url"].endswith(".wav")
    assert body["preview_url"] is None
    assert 0.9 < body["meta"]["duration"] < 1.1
    assert body["meta"]["audio_channels"] == "mono"


async def test_a_failing_job_leaves_failed_and_no_files(
    quiet_client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    video = mp4_video(seconds=1.0)
    response = await quiet_client.post(
        "/api/v2/media", headers=alice.auth, files={"file": ("clip.mp4", video, "video/mp4")}
    )
    assert response.status_code == 202
    media_id = int(response.json()["id"])
    # Spoil the stored upload: its header still reads as MP4, its frames do not.
    row = await media_roost.db.fetch_one(
        sa.select(media_attachments).where(media_attachments.c.id == media_id)
    )
    assert row is not None
    await media_roost.media_storage.put(row.upload_key, video[:200], "application/octet-stream")
    await _run_jobs(media_roost)
    failed = await media_roost.db.fetch_one(
        sa.select(media_attachments).where(media_attachments.c.id == media_id)
    )
    assert failed is not None
    assert failed.state == "failed"
    assert failed.error
    assert failed.file_key is None
    assert await stored_keys(media_roost.media_storage) == []
    shown = await quiet_client.get(f"/api/v1/media/{media_id}", headers=alice.auth)
    assert shown.status_code == 422
    assert shown.json()["error"] == "Error processing thumbnail for uploaded media"


async def test_a_custom_thumbnail_is_the_preview(
    quiet_client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    from tests.media.conftest import png

    response = await quiet_client.post(
        "/api/v2/media", headers=alice.auth,
        files={"file": ("clip.mp4", mp4_video(), "video/mp4"),
               "thumbnail": ("t.png", png((320, 200), mode="RGB"), "image/png")},
    )  # fmt: skip
    assert response.status_code == 202
    await _run_jobs(media_roost)
    body = (await quiet_client.get(f"/api/v1/media/{response.json()['id']}",
                                   headers=alice.auth)).json()  # fmt: skip
    assert body["meta"]["small"]["size"] == "320x200"
    assert body["meta"]["original"]["width"] == 96
    assert len(await stored_keys(media_roost.media_storage)) == 2
