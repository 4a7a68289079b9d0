"""The archive: a job makes a zip of one's posts (ActivityStreams, as Mastodon's archive)
with their media, shown with its progress, downloadable when ready, gone after a week."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa

from roost.instance import Roost
from roost.jobs.tables import jobs
from roost.portability import archive as archive_module
from roost.portability.archive import EXPIRE_JOB, expire_archive
from roost.portability.tables import archives
from tests.conftest import User
from tests.statuses.test_media_posts import upload
from tests.web.test_pages import sign_in


async def test_the_archive_holds_the_posts_and_media(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    media_id = await upload(client, alice, "A red square")
    a = alice.auth
    first = (
        await client.post("/api/v1/statuses", headers=a,
                          json={"status": "Look #red @bob", "media_ids": [media_id],
                                "spoiler_text": "colours", "language": "en"})
    ).json()  # fmt: skip
    theirs = (await client.post("/api/v1/statuses", headers=bob.auth, json={"status": "Hi"})).json()
    reply = (
        await client.post("/api/v1/statuses", headers=a,
                          json={"status": "@bob hello", "in_reply_to_id": theirs["id"],
                                "visibility": "private"})
    ).json()  # fmt: skip
    await client.post(f"/api/v1/statuses/{theirs['id']}/reblog", headers=a)
    await client.post(f"/api/v1/statuses/{theirs['id']}/favourite", headers=a)
    await client.post(f"/api/v1/statuses/{theirs['id']}/bookmark", headers=a)
    # Small parts, so that the archive is stored (and read back) in several.
    monkeypatch.setattr(archive_module, "PART_SIZE", 1000)

    token = await sign_in(client, alice)
    r = await client.post("/settings/export/archive", data={"csrf_token": token})
    assert r.status_code == 303
    page = await client.get(r.headers["location"])
    assert "Download the archive" in page.text
    row = await roost.db.fetch_one(sa.select(archives))
    assert row is not None
    assert (row.state, row.total_items, row.processed_items) == ("ready", 3, 3)
    assert row.parts > 1
    # Once every 6 days.
    r = await client.post("/settings/export/archive", data={"csrf_token": token})
    assert r.status_code == 422
    assert "once every 6 days" in r.text

    r = await client.get(f"/settings/export/archives/{row.id}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    assert int(r.headers["content-length"]) == row.size == len(r.content)
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    names = set(zf.namelist())
    assert {"outbox.json", "actor.json", "likes.json", "bookmarks.json"} <= names
    outbox = json.loads(zf.read("outbox.json"))
    assert outbox["type"] == "OrderedCollection"
    assert outbox["totalItems"] == 3
    items = outbox["orderedItems"]
    assert [i["type"] for i in items] == ["Create", "Create", "Announce"]
    note = items[0]["object"]
    base = "http://testserver"
    assert note["id"] == f"{base}/users/alice/statuses/{first['id']}"
    assert note["summary"] == "colours"
    assert note["contentMap"] == {"en": note["content"]}
    assert "#red" in note["content"] or "red" in note["content"]
    assert items[0]["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert {"type": "Hashtag", "href": f"{base}/tags/red", "name": "#red"} in note["tag"]
    assert {"type": "Mention", "href": f"{base}/users/bob", "name": "@bob"} in note["tag"]
    (doc,) = note["attachment"]
    assert doc["name"] == "A red square"
    assert doc["type"] == "Document"
    assert doc["url"] in names
    assert len(zf.read(doc["url"])) > 0
    replied = items[1]["object"]
    assert replied["inReplyTo"] == f"{base}/users/bob/statuses/{theirs['id']}"
    assert replied["id"].endswith(reply["id"])
    assert items[1]["to"] == [f"{base}/users/alice/followers"]
    assert items[2]["object"] == f"{base}/users/bob/statuses/{theirs['id']}"
    actor = json.loads(zf.read("actor.json"))
    assert actor["preferredUsername"] == "alice"
    assert actor["outbox"] == "outbox.json"
    assert json.loads(zf.read("likes.json"))["orderedItems"] == [
        f"{base}/users/bob/statuses/{theirs['id']}"
    ]
    assert json.loads(zf.read("bookmarks.json"))["totalItems"] == 1

    # Nobody else may download it.
    await sign_in(client, bob)
    assert (await client.get(f"/settings/export/archives/{row.id}")).status_code == 404

    # Its removal is queued for a week later, and removes its file and row.
    expire = await roost.db.fetch_one(sa.select(jobs).where(jobs.c.kind == EXPIRE_JOB))
    assert expire is not None
    assert expire.run_at - expire.created_at >= timedelta(days=7) - timedelta(seconds=5)
    key = row.file_key
    await expire_archive(roost.db, roost.media_storage, int(row.id))
    assert await roost.media_storage.get(f"{key}/00000.bin") is None
    assert await roost.db.fetch_one(sa.select(archives)) is None


async def test_a_pending_archive_shows_its_progress(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    for n in range(3):
        await client.post("/api/v1/statuses", headers=alice.auth, json={"status": f"post {n}"})
    await sign_in(client, alice)
    async with roost.db.transaction() as tx:
        from roost.ids import new_id
        from roost.timeutil import utcnow

        await tx.execute(
            archives.insert(),
            [{"id": new_id(), "account_id": alice.id, "state": "pending", "total_items": 3,
              "processed_items": 1, "created_at": utcnow()}],
        )  # fmt: skip
    page = await client.get("/settings/export")
    assert "Making the archive: 1 of 3 posts" in page.text
    assert '<meta http-equiv="refresh"' in page.text


async def test_an_archive_that_fails_says_so_and_another_may_be_asked_for(
    client: httpx.AsyncClient, roost: Roost, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(archive_module, "posts_page", broken)
    token = await sign_in(client, alice)
    r = await client.post("/settings/export/archive", data={"csrf_token": token})
    page = await client.get(r.headers["location"])
    assert "could not be made" in page.text
    row = await roost.db.fetch_one(sa.select(archives))
    assert row is not None
    assert row.state == "failed"
    assert row.error == "OSError: disk full"
    monkeypatch.undo()
    r = await client.post("/settings/export/archive", data={"csrf_token": token})
    assert r.status_code == 303
    states = await roost.db.scalars(sa.select(archives.c.state).order_by(archives.c.id))
    assert states == ["failed", "ready"]
