"""Quote posts: quoting what one may, the quoted post inside the quote as each viewer may
see it, counts, policies, revoking, deleting, and who is told."""

from __future__ import annotations

from typing import Any

import httpx

from roost.instance import Roost
from tests.conftest import User


async def post(client: httpx.AsyncClient, user: User, **body: Any) -> httpx.Response:
    return await client.post("/api/v1/statuses", json=body, headers=user.auth)


async def ok(client: httpx.AsyncClient, user: User, **body: Any) -> dict[str, Any]:
    r = await post(client, user, **body)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def test_a_quote_carries_the_quoted_post(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    original = await ok(client, alice, status="Hot take")
    quote = await ok(client, bob, status="Strongly disagree", quoted_status_id=original["id"])
    assert quote["quote"]["state"] == "accepted"
    assert quote["quote"]["quoted_status"]["id"] == original["id"]
    assert quote["quote"]["quoted_status"]["content"] == original["content"]
    for user in (carol, None):
        headers = user.auth if user else {}
        seen = (await client.get(f"/api/v1/statuses/{quote['id']}", headers=headers)).json()
        assert seen["quote"]["quoted_status"]["id"] == original["id"]
    # A quote of a quote: the inner one is shallow (its id only).
    outer = await ok(client, carol, status="Look at this", quoted_status_id=quote["id"])
    inner = outer["quote"]["quoted_status"]
    assert inner["quote"] == {"state": "accepted", "quoted_status_id": original["id"]}
    seen = (await client.get(f"/api/v1/statuses/{original['id']}", headers=alice.auth)).json()
    assert seen["quotes_count"] == 1
    assert seen["quote_approval"] == {
        "automatic": ["public"], "manual": [], "current_user": "automatic",
    }  # fmt: skip
    told = (await client.get("/api/v1/notifications?types[]=quote", headers=alice.auth)).json()
    assert [(n["type"], n["status"]["id"]) for n in told] == [("quote", quote["id"])]


async def test_policies_and_visibility_decide_who_may_quote(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    private = await ok(client, alice, status="Followers", visibility="private")
    assert (await post(client, bob, status="q", quoted_status_id=private["id"])).status_code == 404
    await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    r = await post(client, bob, status="q", quoted_status_id=private["id"])
    assert r.status_code == 422  # seen, but only public and unlisted posts are quoted
    own = await ok(client, alice, status="Mine to quote", quoted_status_id=private["id"])
    assert own["quote"]["state"] == "accepted"  # its author may
    closed = await ok(client, alice, status="No quotes", quote_approval_policy="nobody")
    r = await post(client, bob, status="q", quoted_status_id=closed["id"])
    assert r.status_code == 422
    assert "does not allow quotes" in r.json()["error"]
    approval = (await client.get(f"/api/v1/statuses/{closed['id']}", headers=bob.auth)).json()
    assert approval["quote_approval"]["current_user"] == "denied"
    followers = await ok(client, alice, status="Fans", quote_approval_policy="followers")
    assert (
        await post(client, carol, status="q", quoted_status_id=followers["id"])
    ).status_code == 422
    assert (
        await post(client, bob, status="q", quoted_status_id=followers["id"])
    ).status_code == 200
    r = await post(client, bob, status="q", quote_approval_policy="everyone")
    assert r.status_code == 422
    assert (await post(client, bob, status="q", quoted_status_id="99999")).status_code == 404


async def test_a_quote_of_a_post_the_viewer_cannot_see(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    private = await ok(client, alice, status="Only for followers", visibility="private")
    quote = await ok(client, alice, status="Quoting myself", quoted_status_id=private["id"])
    seen = (await client.get(f"/api/v1/statuses/{quote['id']}", headers=carol.auth)).json()
    assert seen["quote"] == {"state": "unauthorized", "quoted_status": None}
    await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    seen = (await client.get(f"/api/v1/statuses/{quote['id']}", headers=bob.auth)).json()
    assert seen["quote"]["quoted_status"]["id"] == private["id"]


async def test_revoke_and_delete(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    original = await ok(client, alice, status="Quotable")
    first = await ok(client, bob, status="One", quoted_status_id=original["id"])
    second = await ok(client, carol, status="Two", quoted_status_id=original["id"])
    r = await client.get(f"/api/v1/statuses/{original['id']}/quotes", headers=alice.auth)
    assert [s["id"] for s in r.json()] == [second["id"], first["id"]]
    r = await client.get(f"/api/v1/statuses/{original['id']}/quotes", headers=bob.auth)
    assert r.status_code == 404  # only for the quoted post's author
    r = await client.post(
        f"/api/v1/statuses/{original['id']}/quotes/{first['id']}/revoke", headers=bob.auth
    )
    assert r.status_code == 404
    r = await client.post(
        f"/api/v1/statuses/{original['id']}/quotes/{first['id']}/revoke", headers=alice.auth
    )
    assert r.status_code == 200, r.text
    assert r.json()["quote"] == {"state": "revoked", "quoted_status": None}
    seen = (await client.get(f"/api/v1/statuses/{original['id']}", headers=alice.auth)).json()
    assert seen["quotes_count"] == 1
    await client.delete(f"/api/v1/statuses/{second['id']}", headers=carol.auth)
    seen = (await client.get(f"/api/v1/statuses/{original['id']}", headers=alice.auth)).json()
    assert seen["quotes_count"] == 0
    again = await ok(client, carol, status="Three", quoted_status_id=original["id"])
    await client.delete(f"/api/v1/statuses/{original['id']}", headers=alice.auth)
    seen = (await client.get(f"/api/v1/statuses/{again['id']}", headers=carol.auth)).json()
    assert seen["quote"] == {"state": "deleted", "quoted_status": None}


async def test_quoters_hear_of_an_edit(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    original = await ok(client, alice, status="Draft")
    await ok(client, bob, status="Quoting", quoted_status_id=original["id"])
    r = await client.put(
        f"/api/v1/statuses/{original['id']}", json={"status": "Final"}, headers=alice.auth
    )
    assert r.status_code == 200
    told = (
        await client.get("/api/v1/notifications?types[]=quoted_update", headers=bob.auth)
    ).json()
    assert [(n["type"], n["status"]["id"]) for n in told] == [("quoted_update", original["id"])]


async def test_quotes_load_in_a_fixed_number_of_queries(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    roost.tokens.ttl = 3600
    await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)

    async def count() -> tuple[int, int]:
        await client.get("/api/v1/timelines/home", headers=bob.auth)
        before = roost.db.query_count
        r = await client.get("/api/v1/timelines/home", headers=bob.auth)
        return roost.db.query_count - before, len(r.json())

    target = await ok(client, bob, status="quote me")
    await ok(client, alice, status="first", quoted_status_id=target["id"])
    one = await count()
    for i in range(9):
        quoted = await ok(client, bob, status=f"quote me {i}")
        await ok(client, alice, status=f"quote {i}", quoted_status_id=quoted["id"])
    many = await count()
    assert many[1] > one[1]
    assert many[0] == one[0], f"{one[0]} queries for one quote, {many[0]} for ten"


async def test_the_author_changes_who_may_quote(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    status = await ok(client, alice, status="Open for now")
    path = f"/api/v1/statuses/{status['id']}/interaction_policy"
    r = await client.put(path, json={"quote_approval_policy": "nobody"}, headers=alice.auth)
    assert r.status_code == 200, r.text
    assert r.json()["quote_approval"]["automatic"] == []
    assert (await post(client, bob, status="q", quoted_status_id=status["id"])).status_code == 422
    r = await client.put(path, json={"quote_approval_policy": "nobody"}, headers=bob.auth)
    assert r.status_code == 404
    r = await client.put(path, json={"quote_approval_policy": "anyone"}, headers=alice.auth)
    assert r.status_code == 422
