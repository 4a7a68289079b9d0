"""Posts with media: attaching uploads on posting, editing and scheduling, reading them
back through every timeline (and `only_media`), and every way attaching is refused."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from PIL import Image

from roost.ids import new_id
from roost.instance import Roost
from roost.media.tables import media_attachments
from roost.scheduled.jobs import publish_scheduled_status
from roost.scheduled.tables import scheduled_statuses
from roost.statuses.tables import statuses
from roost.timeutil import utcnow
from tests.conftest import User


def png(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


async def upload(client: httpx.AsyncClient, user: User, description: str = "") -> str:
    r = await client.post(
        "/api/v1/media",
        headers=user.auth,
        files={"file": ("pic.png", png(), "image/png")},
        data={"description": description} if description else {},
    )
    assert r.status_code == 200, r.text
    media_id: str = r.json()["id"]
    return media_id


async def post(client: httpx.AsyncClient, user: User, **data: Any) -> httpx.Response:
    return await client.post("/api/v1/statuses", headers=user.auth, json=data)


async def row_count(roost: Roost, table: sa.Table) -> int:
    return int(await roost.db.scalar(sa.select(sa.func.count()).select_from(table)))


async def fake_media(roost: Roost, user: User, *, type: str = "video", state: str = "ready") -> str:
    """A media row as processing leaves it (for types and states a test cannot upload
    quickly)."""
    media_id, now = new_id(), utcnow()
    async with roost.db.transaction() as tx:
        await tx.execute(
            media_attachments.insert(),
            [
                {
                    "id": media_id, "account_id": user.id, "type": type, "state": state,
                    "content_type": "video/mp4", "file_key": None, "created_at": now,
                    "updated_at": now,
                }
            ],
        )  # fmt: skip
    return str(media_id)


async def test_a_post_carries_its_media_everywhere(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    await client.post(f"/api/v1/accounts/{alice.sid}/follow", headers=bob.auth)
    first = await upload(client, alice, "A red square")
    second = await upload(client, alice)
    r = await post(client, alice, status="Look #pics", media_ids=[second, first])
    assert r.status_code == 200, r.text
    posted = r.json()
    assert [m["id"] for m in posted["media_attachments"]] == [second, first]
    shown = posted["media_attachments"][1]
    assert shown["type"] == "image"
    assert shown["description"] == "A red square"
    assert shown["url"].startswith("http")
    assert shown["preview_url"].startswith("http")
    assert shown["blurhash"]
    await post(client, alice, status="No pictures #pics")

    fetched = (await client.get(f"/api/v1/statuses/{posted['id']}", headers=bob.auth)).json()
    assert fetched["media_attachments"] == posted["media_attachments"]
    home = (await client.get("/api/v1/timelines/home", headers=bob.auth)).json()
    assert [len(s["media_attachments"]) for s in home] == [0, 2]
    for path in (
        "/api/v1/timelines/public?only_media=true",
        "/api/v1/timelines/tag/pics?only_media=true",
        f"/api/v1/accounts/{alice.sid}/statuses?only_media=true",
    ):
        found = (await client.get(path, headers=bob.auth)).json()
        assert [s["id"] for s in found] == [posted["id"]], path
        assert found[0]["media_attachments"] == posted["media_attachments"]
    everything = (await client.get(f"/api/v1/accounts/{alice.sid}/statuses")).json()
    assert len(everything) == 2
    searches = {"pics has:media": [posted["id"]], "pics has:image": [posted["id"]]}
    searches |= {"pics has:video": [], "pics -has:media": [s["id"] for s in everything[:1]]}
    for q, expected in searches.items():
        params = {"q": q, "type": "statuses"}
        r = await client.get("/api/v2/search", params=params, headers=bob.auth)
        assert [s["id"] for s in r.json()["statuses"]] == expected, q

    # A repost shows the original's media; only_media leaves reposts out (as Mastodon).
    await client.post(f"/api/v1/statuses/{posted['id']}/reblog", headers=bob.auth)
    bobs = (await client.get(f"/api/v1/accounts/{bob.sid}/statuses", headers=bob.auth)).json()
    assert bobs[0]["reblog"]["media_attachments"] == posted["media_attachments"]
    only = f"/api/v1/accounts/{bob.sid}/statuses?only_media=1"
    assert (await client.get(only, headers=bob.auth)).json() == []


async def test_media_without_text(client: httpx.AsyncClient, alice: User) -> None:
    media_id = await upload(client, alice)
    r = await post(client, alice, status="", media_ids=[media_id])
    assert r.status_code == 200, r.text
    assert r.json()["content"] == ""
    blank = await post(client, alice, status="  ")
    assert blank.status_code == 422


@pytest.mark.parametrize(
    "case",
    ["five", "someone_elses", "attached", "unknown", "processing", "video_and_image", "poll"],
)
async def test_attaching_refused(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, case: str
) -> None:
    mine = await upload(client, alice)
    media_ids: list[str] = [mine]
    extra: dict[str, Any] = {}
    if case == "five":
        media_ids = [mine, *[await upload(client, alice) for _ in range(4)]]
    elif case == "someone_elses":
        media_ids = [await upload(client, bob)]
    elif case == "attached":
        assert (await post(client, alice, status="first", media_ids=[mine])).status_code == 200
    elif case == "unknown":
        media_ids = [mine, "12345", "not-an-id"]
    elif case == "processing":
        media_ids = [await fake_media(roost, alice, type="image", state="processing")]
    elif case == "video_and_image":
        media_ids = [mine, await fake_media(roost, alice)]
    elif case == "poll":
        extra = {"poll": {"options": ["a", "b"], "expires_in": 600}}
    before = await row_count(roost, statuses)
    r = await post(client, alice, status="again", media_ids=media_ids, **extra)
    assert r.status_code == 422, r.text
    assert r.json()["error"]
    assert await row_count(roost, statuses) == before
    if case != "attached":
        attached = sa.select(sa.func.count()).where(media_attachments.c.status_id.isnot(None))
        assert await roost.db.scalar(attached) == 0


async def test_editing_changes_the_media(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    one, two, three = [await upload(client, alice) for _ in range(3)]
    posted = (await post(client, alice, status="Three", media_ids=[one, two])).json()
    path = f"/api/v1/statuses/{posted['id']}"
    r = await client.put(
        path, headers=alice.auth, json={"status": "Edited", "media_ids": [three, one]}
    )
    assert r.status_code == 200, r.text
    assert [m["id"] for m in r.json()["media_attachments"]] == [three, one]
    two_row = await roost.db.fetch_one(
        sa.select(media_attachments).where(media_attachments.c.id == int(two))
    )
    assert two_row is not None
    assert two_row.status_id is None  # free to post again
    # Leaving media_ids out keeps them (Mastodon changes media only when sent).
    kept = await client.put(path, headers=alice.auth, json={"status": "Edited again"})
    assert [m["id"] for m in kept.json()["media_attachments"]] == [three, one]
    cleared = await client.put(path, headers=alice.auth, json={"status": "None", "media_ids": []})
    assert cleared.json()["media_attachments"] == []
    only = f"/api/v1/accounts/{alice.sid}/statuses?only_media=true"
    assert (await client.get(only)).json() == []
    again = await post(client, alice, status="Reused", media_ids=[two])
    assert again.status_code == 200, again.text


async def test_delete_and_redraft(client: httpx.AsyncClient, alice: User) -> None:
    media_id = await upload(client, alice, "alt")
    posted = (await post(client, alice, status="Oops", media_ids=[media_id])).json()
    deleted = await client.delete(f"/api/v1/statuses/{posted['id']}", headers=alice.auth)
    assert deleted.json()["media_attachments"] == posted["media_attachments"]
    redraft = await post(client, alice, status="Fixed", media_ids=[media_id])
    assert redraft.status_code == 200, redraft.text
    assert redraft.json()["media_attachments"][0]["description"] == "alt"


async def test_scheduled_posts_keep_their_media(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    media_id = await upload(client, alice)
    when = (datetime.now(UTC) + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    r = await post(client, alice, status="Later", media_ids=[media_id], scheduled_at=when)
    assert r.status_code == 200, r.text
    scheduled = r.json()
    assert scheduled["params"]["media_ids"] == [media_id]
    assert [m["id"] for m in scheduled["media_attachments"]] == [media_id]
    listed = (await client.get("/api/v1/scheduled_statuses", headers=alice.auth)).json()
    assert [m["id"] for m in listed[0]["media_attachments"]] == [media_id]
    # Held by the scheduled post: no one can post it meanwhile.
    taken = await post(client, alice, status="Now", media_ids=[media_id])
    assert taken.status_code == 422

    async with roost.db.transaction() as tx:  # its time has come
        await tx.execute(scheduled_statuses.update().values(scheduled_at=utcnow()))
    await publish_scheduled_status(roost, {"scheduled_status_id": int(scheduled["id"])})
    assert roost.worker is not None
    await roost.worker.run_pending()
    home = (await client.get("/api/v1/timelines/home", headers=alice.auth)).json()
    assert [m["id"] for m in home[0]["media_attachments"]] == [media_id]


async def test_media_load_in_a_fixed_number_of_queries(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    roost.tokens.ttl = 3600  # the auth lookup is cached; keep it out of what is counted
    await client.post(f"/api/v1/accounts/{alice.sid}/follow", headers=bob.auth)

    async def cold_home() -> int:
        await roost.cache.clear()
        await client.get("/api/v1/timelines/home", headers=bob.auth)  # the token, cached
        await roost.cache.clear()
        before = roost.db.query_count
        r = await client.get("/api/v1/timelines/home?limit=20", headers=bob.auth)
        assert r.status_code == 200
        return roost.db.query_count - before

    await post(client, alice, status="one", media_ids=[await upload(client, alice)])
    one = await cold_home()
    for i in range(12):
        media_ids = [await upload(client, alice) for _ in range(1 + i % 4)]
        await post(client, alice, status=f"post {i}", media_ids=media_ids)
    assert await cold_home() == one
