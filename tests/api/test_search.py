"""Search (/api/v2/search) and hashtags (/api/v1/tags/{name})."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from roost.instance import Roost
from roost.statuses.tables import statuses
from roost.timeutil import utcnow
from tests.api.test_graph import post_status
from tests.conftest import MakeUser, User


def midnight(days_ago: int) -> str:
    day = (datetime.now(UTC) - timedelta(days=days_ago)).date()
    return str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()))


async def search(
    client: httpx.AsyncClient, user: User | None, q: str, **params: Any
) -> dict[str, Any]:
    r = await client.get(
        "/api/v2/search", params={"q": q, **params}, headers=user.auth if user else None
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_search_accounts_and_hashtags(
    client: httpx.AsyncClient, alice: User, bob: User, make_user: MakeUser
) -> None:
    await make_user("birdwatcher")
    await post_status(client, bob, "I love #birds and #BirdWatching and #bi")
    body = await search(client, alice, "bi")
    assert set(body) == {"accounts", "statuses", "hashtags"}
    assert [a["username"] for a in body["accounts"]] == ["birdwatcher"]
    # An exact match first, then shorter names.
    assert [t["name"] for t in body["hashtags"]] == ["bi", "birds", "BirdWatching"]
    tag = body["hashtags"][1]
    assert tag["url"] == "http://testserver/tags/birds"
    assert tag["following"] is False
    # "bi" is a word of the post (#bi) and a prefix of two more.
    assert [s["content"].count("#") for s in body["statuses"]] == [3]

    body = await search(client, alice, "#BIRD", type="hashtags")
    assert body["accounts"] == []
    assert [t["name"] for t in body["hashtags"]] == ["birds", "BirdWatching"]
    body = await search(client, alice, "bi", type="hashtags", limit=1, offset=1)
    assert [t["name"] for t in body["hashtags"]] == ["birds"]
    body = await search(client, alice, "bi", type="accounts")
    assert (len(body["accounts"]), body["hashtags"]) == (1, [])
    body = await search(client, alice, "bi", type="nonsense")
    assert body == {"accounts": [], "statuses": [], "hashtags": []}
    body = await search(client, alice, "b%", type="hashtags")
    assert body["hashtags"] == []


async def test_tag_history_counts_the_last_week(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await post_status(client, alice, "#Roost today")
    await post_status(client, bob, "#roost me too")
    await post_status(client, bob, "#roost again")
    await post_status(client, bob, "#roost secret", visibility="private")
    old = await post_status(client, alice, "#roost two days ago")
    ancient = await post_status(client, alice, "#roost last month")
    for status_id, days in ((old, 2), (ancient, 30)):
        await roost.db.execute(
            statuses.update()
            .where(statuses.c.id == int(status_id))
            .values(created_at=utcnow() - timedelta(days=days))
        )
    r = await client.get("/api/v1/tags/ROOST")  # anonymous, any case
    assert r.status_code == 200
    tag = r.json()
    assert tag["name"] == "Roost"
    assert "following" not in tag  # only for logged-in viewers
    history = tag["history"]
    assert len(history) == 7
    assert history[0] == {"day": midnight(0), "uses": "3", "accounts": "2"}
    assert history[2] == {"day": midnight(2), "uses": "1", "accounts": "1"}
    assert [h["uses"] for h in history] == ["3", "0", "1", "0", "0", "0", "0"]

    r = await client.get("/api/v1/tags/roost", headers=alice.auth)
    assert r.json()["following"] is False
    r = await client.get("/api/v1/tags/neverused")
    assert r.status_code == 200
    assert r.json()["history"] == []
    assert r.json()["url"] == "http://testserver/tags/neverused"
    for bad in ("123", "no-dashes", "x" * 201):
        assert (await client.get(f"/api/v1/tags/{bad}")).status_code == 404


async def test_search_finds_our_own_status_urls(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    public = await post_status(client, bob, "findable")
    private = await post_status(client, bob, "followers only", visibility="private")
    url = f"http://testserver/@bob/{public}"
    body = await search(client, alice, url, resolve="true")
    assert [s["id"] for s in body["statuses"]] == [public]
    assert body["accounts"] == []
    assert body["hashtags"] == []
    body = await search(client, None, f"http://testserver/users/bob/statuses/{public}")
    assert [s["id"] for s in body["statuses"]] == [public]
    body = await search(client, alice, url, type="accounts")
    assert body["statuses"] == []
    body = await search(client, alice, url, account_id=carol.sid)
    assert body["statuses"] == []

    # A private post is found only by those who may see it.
    private_url = f"http://testserver/@bob/{private}"
    assert (await search(client, alice, private_url))["statuses"] == []
    await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.auth)
    assert [s["id"] for s in (await search(client, alice, private_url))["statuses"]] == [private]
    assert (await search(client, alice, "http://testserver/@bob/1"))["statuses"] == []
    assert (await search(client, alice, f"http://elsewhere.social/@bob/{public}"))["statuses"] == []

    body = await search(client, alice, "http://testserver/@bob")
    assert [a["id"] for a in body["accounts"]] == [bob.sid]
    body = await search(client, alice, "http://testserver/@nobody")
    assert body["accounts"] == []


async def test_search_auth_and_bad_input(
    client: httpx.AsyncClient, alice: User, make_user: MakeUser
) -> None:
    assert (await search(client, None, "ali"))["accounts"][0]["id"] == alice.sid
    r = await client.get("/api/v2/search", params={"q": "ali", "type": "accounts", "offset": 1})
    assert r.status_code == 401
    r = await client.get("/api/v2/search", params={"q": "ali", "resolve": "true"})
    assert r.status_code == 401
    writer = await make_user("writer", scopes="write")
    r = await client.get("/api/v2/search", params={"q": "ali"}, headers=writer.auth)
    assert r.status_code == 403
    searcher = await make_user("searcher", scopes="read:search")
    assert (await search(client, searcher, "ali"))["accounts"][0]["id"] == alice.sid
    r = await client.get("/api/v2/search", headers=alice.auth)
    assert r.status_code == 422
    r = await client.get("/api/v2/search", params={"q": "a", "limit": "x"}, headers=alice.auth)
    assert r.status_code == 400
    # Following-only search needs a viewer who follows someone.
    body = await search(client, alice, "sea", following="true")
    assert body["accounts"] == []
    body = await search(client, alice, "sea")
    assert [a["username"] for a in body["accounts"]] == ["searcher"]
    # Limits are capped, not refused.
    body = await search(client, alice, "a", limit=1000)
    assert len(body["accounts"]) <= 40


async def test_accounts_are_found_through_a_typo(
    client: httpx.AsyncClient, alice: User, make_user: MakeUser
) -> None:
    await make_user("margaret", display_name="Maggie Lindqvist")
    await make_user("marcus")
    body = await search(client, alice, "margret", type="accounts")
    assert [a["username"] for a in body["accounts"]] == ["margaret"]
    body = await search(client, alice, "lindkvist", type="accounts")
    assert [a["username"] for a in body["accounts"]] == ["margaret"]
    body = await search(client, alice, "mar", type="accounts")  # prefixes first, both
    assert {a["username"] for a in body["accounts"]} == {"margaret", "marcus"}
    assert (await search(client, alice, "zzgaret", type="accounts"))["accounts"] == []
