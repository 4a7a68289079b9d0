"""Notifications, markers, preferences, idempotency, rate limits and atomic writes."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from roost.app import create_app
from roost.instance import Roost
from roost.statuses import posting
from roost.statuses.tables import statuses
from tests.api.test_statuses import post
from tests.conftest import MakeUser, User, variant


async def test_notifications_list_filter_dismiss(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    s = await post(client, alice, "hi")
    await post(client, bob, "@alice mention")
    await client.post(f"/api/v1/statuses/{s['id']}/favourite", headers=bob.auth)
    await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    r = await client.get("/api/v1/notifications", headers=alice.auth)
    types = [n["type"] for n in r.json()]
    assert types == ["follow", "favourite", "mention"]
    assert r.json()[1]["status"]["id"] == s["id"]
    r = await client.get("/api/v1/notifications?types[]=mention", headers=alice.auth)
    assert [n["type"] for n in r.json()] == ["mention"]
    r = await client.get("/api/v1/notifications?exclude_types[]=follow", headers=alice.auth)
    assert [n["type"] for n in r.json()] == ["favourite", "mention"]
    nid = r.json()[0]["id"]
    r = await client.get(f"/api/v1/notifications/{nid}", headers=bob.auth)
    assert r.status_code == 404  # not bob's
    r = await client.post(f"/api/v1/notifications/{nid}/dismiss", headers=alice.auth)
    assert r.status_code == 200
    r = await client.get("/api/v1/notifications/unread_count", headers=alice.auth)
    assert r.json() == {"count": 2}
    # Undoing the favourite takes its notification back.
    await client.post(f"/api/v1/statuses/{s['id']}/favourite", headers=bob.auth)
    await client.post(f"/api/v1/statuses/{s['id']}/unfavourite", headers=bob.auth)
    r = await client.get("/api/v1/notifications?types[]=favourite", headers=alice.auth)
    assert r.json() == []
    r = await client.post("/api/v1/notifications/clear", headers=alice.auth)
    r = await client.get("/api/v1/notifications", headers=alice.auth)
    assert r.json() == []


async def test_markers(client: httpx.AsyncClient, alice: User) -> None:
    r = await client.get("/api/v1/markers?timeline[]=home", headers=alice.auth)
    assert r.json() == {}
    r = await client.post("/api/v1/markers", data={"home[last_read_id]": "123"}, headers=alice.auth)
    assert r.json()["home"]["last_read_id"] == "123"
    assert r.json()["home"]["version"] == 0
    r = await client.post(
        "/api/v1/markers", json={"home": {"last_read_id": "456"}}, headers=alice.auth
    )
    assert r.json()["home"] == {**r.json()["home"], "last_read_id": "456", "version": 1}
    r = await client.post("/api/v1/markers", json={}, headers=alice.auth)
    assert r.status_code == 422


async def test_preferences_and_default_visibility(client: httpx.AsyncClient, alice: User) -> None:
    r = await client.get("/api/v1/preferences", headers=alice.auth)
    assert r.json()["posting:default:visibility"] == "public"
    r = await client.patch(
        "/api/v1/accounts/update_credentials",
        data={"source[privacy]": "unlisted"},
        headers=alice.auth,
    )
    assert r.status_code == 200, r.text
    r = await client.get("/api/v1/preferences", headers=alice.auth)
    assert r.json()["posting:default:visibility"] == "unlisted"
    assert (await post(client, alice, "defaults"))["visibility"] == "unlisted"


async def test_idempotency_key(client: httpx.AsyncClient, roost: Roost, alice: User) -> None:
    headers = {**alice.auth, "Idempotency-Key": "abc-123"}
    r1 = await client.post("/api/v1/statuses", json={"status": "once"}, headers=headers)
    r2 = await client.post("/api/v1/statuses", json={"status": "once"}, headers=headers)
    assert r1.json()["id"] == r2.json()["id"]
    count = await roost.db.scalar(sa.select(sa.func.count()).select_from(statuses))
    assert count == 1


async def test_rate_limit_answers_429(roost: Roost, make_user: MakeUser) -> None:
    user = await make_user("busy")
    async with (
        variant(roost, rate_limit_per_5min=3) as limited,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(limited.settings, limited)),
            base_url="http://testserver",
        ) as c,
    ):
        codes = [
            (await c.get("/api/v1/timelines/home", headers=user.auth)).status_code for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        r = await c.get("/api/v1/timelines/home", headers=user.auth)
        assert r.json() == {"error": "Too many requests"}
        assert r.headers["X-RateLimit-Remaining"] == "0"


async def test_failed_post_leaves_nothing_behind(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the status row was written rolls the whole post back."""

    async def broken_notify(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(posting, "notify", broken_notify)
    r = await client.post("/api/v1/statuses", json={"status": "@bob hi #tag"}, headers=alice.auth)
    assert r.status_code == 500
    assert r.json() == {"error": "Internal server error"}
    for table in ("statuses", "mentions", "status_tags", "home_feed", "tags"):
        count = await roost.db.scalar(sa.text(f"SELECT count(*) FROM {table}"))
        assert count == 0, table
    r = await client.get(f"/api/v1/accounts/{alice.id}")
    assert r.json()["statuses_count"] == 0


async def test_wrong_scope_and_bad_tokens(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    reader = await make_user("reader", scopes="read")
    r = await client.post("/api/v1/statuses", json={"status": "x"}, headers=reader.auth)
    assert r.status_code == 403
    assert r.json() == {"error": "This action is outside the authorized scopes"}
    r = await client.get("/api/v1/timelines/home", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    r = await client.get("/api/v1/timelines/home")
    assert r.status_code == 401
    r = await client.get("/api/v1/timelines/home", headers=reader.auth)
    assert r.status_code == 200
