"""Featured hashtags: /api/v1/featured_tags (list, create, delete, suggestions), an
account's featured tags, and /api/v1/tags/{name}/feature and /unfeature."""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa

from roost.instance import Roost
from roost.tags.tables import featured_tags
from tests.api.test_statuses import post
from tests.conftest import MakeUser, User


async def feature(client: httpx.AsyncClient, user: User, name: str) -> httpx.Response:
    return await client.post("/api/v1/featured_tags", data={"name": name}, headers=user.auth)


async def count(roost: Roost) -> int:
    return int(await roost.db.scalar(sa.select(sa.func.count()).select_from(featured_tags)))


async def test_feature_list_and_delete(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await post(client, alice, "#Python is fun")
    await post(client, alice, "#python again", visibility="unlisted")
    await post(client, alice, "#python secret", visibility="private")
    await post(client, bob, "#python by bob")
    r = await feature(client, alice, "#python")
    assert r.status_code == 200, r.text
    featured: dict[str, Any] = r.json()
    assert featured["name"] == "Python"
    assert featured["url"] == "http://testserver/@alice/tagged/python"
    assert featured["statuses_count"] == "2"  # public and unlisted posts of alice's only
    assert len(featured["last_status_at"]) == 10  # a date
    assert (await feature(client, alice, "Python")).json()["id"] == featured["id"]
    r = await feature(client, alice, "rust")  # never used: made, with no posts
    assert r.json()["statuses_count"] == "0"
    assert r.json()["last_status_at"] is None

    r = await client.get("/api/v1/featured_tags", headers=alice.auth)
    assert [t["name"] for t in r.json()] == ["Python", "rust"]
    r = await client.get(f"/api/v1/accounts/{alice.id}/featured_tags")  # anyone may look
    assert [t["name"] for t in r.json()] == ["Python", "rust"]
    assert (await client.get("/api/v1/accounts/12345/featured_tags")).status_code == 404

    r = await client.get("/api/v1/tags/python", headers=alice.auth)
    assert r.json()["featuring"] is True
    assert (await client.get("/api/v1/tags/python", headers=bob.auth)).json()["featuring"] is False

    r = await client.delete(f"/api/v1/featured_tags/{featured['id']}", headers=bob.auth)
    assert r.status_code == 404  # not bob's
    r = await client.delete(f"/api/v1/featured_tags/{featured['id']}", headers=alice.auth)
    assert r.status_code == 200
    assert r.json() == {}
    r = await client.delete(f"/api/v1/featured_tags/{featured['id']}", headers=alice.auth)
    assert r.status_code == 404
    assert await count(roost) == 1


async def test_feature_and_unfeature_from_the_tag(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    r = await client.post("/api/v1/tags/Photos/feature", headers=alice.auth)
    assert r.status_code == 200
    assert r.json()["featuring"] is True
    assert r.json()["following"] is False
    r = await client.post("/api/v1/tags/photos/feature", headers=alice.auth)
    assert r.json()["featuring"] is True
    assert await count(roost) == 1
    r = await client.get(f"/api/v1/accounts/{alice.id}/featured_tags")
    assert [t["name"] for t in r.json()] == ["Photos"]
    r = await client.post("/api/v1/tags/photos/unfeature", headers=alice.auth)
    assert r.json()["featuring"] is False
    r = await client.post("/api/v1/tags/photos/unfeature", headers=alice.auth)
    assert r.status_code == 200
    assert await count(roost) == 0
    assert (await client.post("/api/v1/tags/12/feature", headers=alice.auth)).status_code == 404


async def test_at_most_ten_and_bad_input(
    client: httpx.AsyncClient, roost: Roost, alice: User, make_user: MakeUser
) -> None:
    for i in range(10):
        assert (await feature(client, alice, f"tag{i}")).status_code == 200
    r = await feature(client, alice, "eleventh")
    assert r.status_code == 422
    assert "error" in r.json()
    r = await client.post("/api/v1/tags/eleventh/feature", headers=alice.auth)
    assert r.status_code == 422
    assert (await feature(client, alice, "tag3")).status_code == 200  # already featured
    for bad in ("", "   ", "123", "with space", "#", "x" * 201):
        r = await feature(client, alice, bad)
        assert r.status_code == 422, bad
        assert "error" in r.json()
    r = await client.post("/api/v1/featured_tags", headers=alice.auth)
    assert r.status_code == 422
    assert await count(roost) == 10
    reader = await make_user("reader", scopes="read")
    assert (await feature(client, reader, "fine")).status_code == 403
    assert (await client.get("/api/v1/featured_tags")).status_code == 401
    r = await client.delete("/api/v1/featured_tags/notanid", headers=alice.auth)
    assert r.status_code == 404


async def test_suggestions_are_ones_most_used_tags(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    for text in ("#cats #dogs", "#cats", "#cats #birds", "#dogs"):
        await post(client, alice, text)
    await post(client, bob, "#fish #fish2")
    r = await client.get("/api/v1/featured_tags/suggestions", headers=alice.auth)
    assert r.status_code == 200
    assert [t["name"] for t in r.json()] == ["cats", "dogs", "birds"]
    assert r.json()[0]["history"][0]["uses"] == "3"
    assert r.json()[0]["featuring"] is False
    await feature(client, alice, "cats")
    r = await client.get("/api/v1/featured_tags/suggestions", headers=alice.auth)
    assert [t["name"] for t in r.json()] == ["dogs", "birds"]
