"""Conversations: a thread of direct posts as each participant sees it, kept current by
posting and deleting, read and removed per person, and live on the direct stream."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import MakeUser, User


async def dm(client: httpx.AsyncClient, user: User, text: str, **extra: Any) -> dict[str, Any]:
    body = {"status": text, "visibility": "direct", **extra}
    r = await client.post("/api/v1/statuses", json=body, headers=user.auth)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def conversations(client: httpx.AsyncClient, user: User, **params: str) -> Any:
    r = await client.get("/api/v1/conversations", params=params, headers=user.auth)
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_thread_of_direct_posts_is_one_conversation(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User, make_user: MakeUser
) -> None:
    first = await dm(client, alice, "@bob @carol lunch?")
    for user, unread in ((alice, False), (bob, True), (carol, True)):
        [c] = await conversations(client, user)
        assert c["id"] == first["id"]  # the thread's root
        assert c["unread"] is unread
        assert c["last_status"]["id"] == first["id"]
        others = {"alice", "bob", "carol"} - {user.username}
        assert {a["username"] for a in c["accounts"]} == others
    reply = await dm(client, bob, "@alice @carol yes!", in_reply_to_id=first["id"])
    [c] = await conversations(client, alice)
    assert (c["id"], c["last_status"]["id"], c["unread"]) == (first["id"], reply["id"], True)
    [c] = await conversations(client, bob)
    assert c["unread"] is False  # one's own post leaves it read
    outsider = await make_user("dave")
    assert await conversations(client, outsider) == []
    r = await client.post(f"/api/v1/conversations/{first['id']}/read", headers=outsider.auth)
    assert r.status_code == 404
    # Public posts make no conversation.
    await client.post("/api/v1/statuses", json={"status": "@bob hi all"}, headers=alice.auth)
    assert len(await conversations(client, bob)) == 1


async def test_read_remove_and_come_back(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    first = await dm(client, alice, "@bob psst")
    r = await client.post(f"/api/v1/conversations/{first['id']}/read", headers=bob.auth)
    assert r.status_code == 200, r.text
    assert r.json()["unread"] is False
    r = await client.delete(f"/api/v1/conversations/{first['id']}", headers=bob.auth)
    assert (r.status_code, r.json()) == (200, {})
    assert await conversations(client, bob) == []
    assert len(await conversations(client, alice)) == 1  # removed for bob only
    await dm(client, alice, "@bob still there?", in_reply_to_id=first["id"])
    [c] = await conversations(client, bob)
    assert c["unread"] is True


async def test_deleting_the_last_post_falls_back(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    first = await dm(client, alice, "@bob one")
    second = await dm(client, alice, "@bob two", in_reply_to_id=first["id"])
    await client.delete(f"/api/v1/statuses/{second['id']}", headers=alice.auth)
    [c] = await conversations(client, bob)
    assert c["last_status"]["id"] == first["id"]
    await client.delete(f"/api/v1/statuses/{first['id']}", headers=alice.auth)
    assert await conversations(client, bob) == []


async def test_conversations_page_with_links(
    client: httpx.AsyncClient, alice: User, make_user: MakeUser
) -> None:
    people = [await make_user(f"pen{i}") for i in range(3)]
    for person in people:
        await dm(client, alice, f"@{person.username} hello")
    r = await client.get("/api/v1/conversations?limit=2", headers=alice.auth)
    page = r.json()
    assert [c["accounts"][0]["username"] for c in page] == ["pen2", "pen1"]
    assert 'rel="next"' in r.headers["link"]
    older = await conversations(client, alice, max_id=page[-1]["last_status"]["id"])
    assert [c["accounts"][0]["username"] for c in older] == ["pen0"]
