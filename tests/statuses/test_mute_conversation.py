"""Muting a conversation: `muted` on its posts for the one who muted it, and no
notification about any post of the thread reaches them until they unmute it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import User


async def post(client: httpx.AsyncClient, user: User, **body: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/statuses", json=body, headers=user.auth)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def kinds(client: httpx.AsyncClient, user: User) -> list[tuple[str, str]]:
    found = (await client.get("/api/v1/notifications", headers=user.auth)).json()
    return [(n["type"], n["status"]["id"]) for n in found if n.get("status")]


async def test_a_muted_thread_stays_quiet(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    root = await post(client, bob, status="A thread of mine")
    reply = await post(client, alice, status="@bob first reply", in_reply_to_id=root["id"])
    assert ("mention", reply["id"]) in await kinds(client, bob)
    r = await client.post(f"/api/v1/statuses/{reply['id']}/mute", headers=bob.auth)
    assert r.status_code == 200, r.text
    assert r.json()["muted"] is True
    for sid in (root["id"], reply["id"]):  # the whole thread, whichever post was muted
        seen = (await client.get(f"/api/v1/statuses/{sid}", headers=bob.auth)).json()
        assert seen["muted"] is True
        other = (await client.get(f"/api/v1/statuses/{sid}", headers=alice.auth)).json()
        assert other["muted"] is False
    assert (await client.get(f"/api/v1/statuses/{root['id']}")).json()["muted"] is None
    # Nothing about the thread notifies bob now: a mention in a new reply, a like, a boost.
    quiet = await post(client, carol, status="@bob are you there?", in_reply_to_id=reply["id"])
    await client.post(f"/api/v1/statuses/{root['id']}/favourite", headers=carol.auth)
    await client.post(f"/api/v1/statuses/{root['id']}/reblog", headers=carol.auth)
    told = await kinds(client, bob)
    assert ("mention", quiet["id"]) not in told
    assert ("favourite", root["id"]) not in told
    assert ("reblog", root["id"]) not in told
    # Other threads still notify.
    elsewhere = await post(client, carol, status="@bob elsewhere")
    assert ("mention", elsewhere["id"]) in await kinds(client, bob)
    # Unmuted: the thread notifies again.
    r = await client.post(f"/api/v1/statuses/{root['id']}/unmute", headers=bob.auth)
    assert r.json()["muted"] is False
    again = await post(client, carol, status="@bob back again", in_reply_to_id=root["id"])
    assert ("mention", again["id"]) in await kinds(client, bob)


async def test_muting_needs_a_post_one_may_see(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    hidden = await post(client, alice, status="Followers only", visibility="private")
    r = await client.post(f"/api/v1/statuses/{hidden['id']}/mute", headers=bob.auth)
    assert r.status_code == 404
    assert (await client.post("/api/v1/statuses/1/mute", headers=bob.auth)).status_code == 404
    assert (await client.post(f"/api/v1/statuses/{hidden['id']}/mute")).status_code == 401
