"""Notification requests: the filtered mentions of each sender, listed and paged, shown,
accepted (merged into the list, with a `notifications_merged` event) or dismissed, one
at a time or in bulk."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from roost.instance import Roost
from roost.notifications.actions import notify
from roost.pubsub import decode_event
from tests.api.test_statuses import post
from tests.conftest import MakeUser, User
from tests.notifications.test_grouped import act, link_header, unread
from tests.notifications.test_policy import kinds
from tests.streaming import serve
from tests.streaming.test_sse import sse

REQUESTS = "/api/v1/notifications/requests"


async def requests(client: httpx.AsyncClient, user: User, **params: Any) -> list[dict[str, Any]]:
    r = await client.get(REQUESTS, params=params, headers=user.auth)
    assert r.status_code == 200, r.text
    body: list[dict[str, Any]] = r.json()
    return body


async def whisper(client: httpx.AsyncClient, sender: User, to: User, text: str) -> dict[str, Any]:
    return await post(client, sender, f"@{to.username} {text}", visibility="direct")


async def test_a_request_per_sender_with_its_count_and_last_status(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    await whisper(client, bob, alice, "one")
    last = await whisper(client, bob, alice, "two")
    await whisper(client, carol, alice, "hi")
    status = await post(client, alice, "mine")
    await act(client, bob, f"/api/v1/statuses/{status['id']}/favourite")  # not filtered
    found = await requests(client, alice)
    assert [(q["account"]["id"], q["notifications_count"]) for q in found] == [
        (carol.sid, "1"),
        (bob.sid, "2"),
    ]
    from_bob = found[1]
    assert from_bob["last_status"]["id"] == last["id"]
    assert set(from_bob) == {
        "id", "created_at", "updated_at", "notifications_count", "account", "last_status",
    }  # fmt: skip
    assert from_bob["created_at"] <= from_bob["updated_at"]
    r = await client.get(f"{REQUESTS}/{from_bob['id']}", headers=alice.auth)
    assert r.status_code == 200, r.text
    assert r.json() == from_bob
    r = await client.get(f"{REQUESTS}/{from_bob['id']}", headers=carol.auth)
    assert r.status_code == 404  # not carol's
    r = await client.get(f"{REQUESTS}/x", headers=alice.auth)
    assert r.status_code in (400, 404)
    r = await client.get("/api/v2/notifications/policy", headers=alice.auth)
    assert r.json()["summary"] == {"pending_requests_count": 2, "pending_notifications_count": 3}
    assert await kinds(client, alice) == [("favourite", bob.sid)]
    assert await unread(client, alice, "v1") == 1


async def test_requests_are_paged_with_links(
    client: httpx.AsyncClient, alice: User, make_user: MakeUser
) -> None:
    senders = [await make_user(f"sender{i}") for i in range(5)]
    for sender in senders:
        await whisper(client, sender, alice, "hello")
    r = await client.get(REQUESTS, params={"limit": 2}, headers=alice.auth)
    first = r.json()
    assert [q["account"]["id"] for q in first] == [senders[4].sid, senders[3].sid]
    links = link_header(r)
    r = await client.get(links["next"], headers=alice.auth)
    assert [q["account"]["id"] for q in r.json()] == [senders[2].sid, senders[1].sid]
    r = await client.get(link_header(r)["prev"], headers=alice.auth)
    assert r.json() == first
    older = await requests(client, alice, max_id=first[-1]["id"])
    assert [q["account"]["id"] for q in older] == [s.sid for s in reversed(senders[:3])]


async def test_accept_merges_and_tells_the_streams(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    one = await whisper(client, bob, alice, "one")
    two = await whisper(client, bob, alice, "two")
    (request,) = await requests(client, alice)
    r = await client.get(f"{REQUESTS}/merged", headers=alice.auth)
    assert r.json() == {"merged": True}
    subscription = await roost.pubsub.subscribe([f"timeline:{alice.id}"])
    events = aiter(subscription)
    try:
        await act(client, alice, f"{REQUESTS}/{request['id']}/accept")
        async with asyncio.timeout(5):
            while True:
                _, message = await anext(events)
                if decode_event(message).event == "notifications_merged":
                    break
    finally:
        await subscription.close()
    r = await client.get("/api/v1/notifications", headers=alice.auth)
    assert [n["status"]["id"] for n in r.json()] == [two["id"], one["id"]]
    assert await requests(client, alice) == []
    assert (await client.get(f"{REQUESTS}/{request['id']}", headers=alice.auth)).status_code == 404
    r = await client.get(f"{REQUESTS}/merged", headers=alice.auth)
    assert r.json() == {"merged": True}
    assert await unread(client, alice, "v1") == 2
    assert await unread(client, alice, "v1", limit=1) == 1  # counted up to `limit`
    r = await client.post(f"{REQUESTS}/{request['id']}/accept", headers=alice.auth)
    assert r.status_code == 404


async def test_dismiss_deletes_the_request_and_its_notifications(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    await whisper(client, bob, alice, "one")
    (request,) = await requests(client, alice)
    r = await client.post(f"{REQUESTS}/{request['id']}/dismiss", headers=bob.auth)
    assert r.status_code == 404  # someone else's
    await act(client, alice, f"{REQUESTS}/{request['id']}/dismiss")
    assert await requests(client, alice) == []
    assert await kinds(client, alice, include_filtered="true") == []
    await whisper(client, bob, alice, "again")  # still filtered: a dismissal accepts nothing
    assert await kinds(client, alice) == []
    assert len(await requests(client, alice)) == 1


async def test_bulk_accept_and_dismiss(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User, make_user: MakeUser
) -> None:
    dave, erin = await make_user("dave"), await make_user("erin")
    for sender in (bob, carol, dave, erin):
        await whisper(client, sender, alice, "hello")
    by_sender = {q["account"]["id"]: q["id"] for q in await requests(client, alice)}
    r = await client.post(
        f"{REQUESTS}/accept",
        data={"id[]": [by_sender[bob.sid], by_sender[carol.sid], "12345"]},
        headers=alice.auth,
    )
    assert r.status_code == 200, r.text
    r = await client.post(  # as Mastodon.py sends them
        f"{REQUESTS}/dismiss", data={"id[][]": [by_sender[dave.sid]]}, headers=alice.auth
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{REQUESTS}/dismiss", json={"id": [by_sender[erin.sid]]}, headers=bob.auth
    )
    assert r.status_code == 200  # ids not one's own are ignored
    assert [q["account"]["id"] for q in await requests(client, alice)] == [erin.sid]
    assert sorted(s for _, s in await kinds(client, alice)) == sorted([bob.sid, carol.sid])
    everything = await kinds(client, alice, include_filtered="true")
    assert sorted(s for _, s in everything) == sorted([bob.sid, carol.sid, erin.sid])


async def test_requests_need_a_token_with_the_scope(
    client: httpx.AsyncClient, alice: User, bob: User, make_user: MakeUser
) -> None:
    await whisper(client, bob, alice, "hello")
    assert (await client.get(REQUESTS)).status_code == 401
    reader = await make_user("reader", scopes="read")
    assert (await client.post(f"{REQUESTS}/accept", headers=reader.auth)).status_code == 403


@pytest.fixture
async def server(roost: Roost) -> AsyncIterator[str]:
    async with serve(roost) as host:
        yield host


async def test_the_merged_event_reaches_the_notification_streams(
    client: httpx.AsyncClient, server: str, alice: User, bob: User
) -> None:
    await whisper(client, bob, alice, "psst")
    (request,) = await requests(client, alice)
    async with sse(server, "user/notification", alice) as source:
        await act(client, alice, f"{REQUESTS}/{request['id']}/accept")
        assert await source.event() == ("notifications_merged", "1")


async def test_requests_load_in_a_fixed_number_of_queries(
    client: httpx.AsyncClient, roost: Roost, alice: User, make_user: MakeUser
) -> None:
    async def queries_for_a_page() -> tuple[int, int]:
        before = roost.db.query_count
        found = await requests(client, alice)
        return roost.db.query_count - before, len(found)

    await whisper(client, await make_user("first"), alice, "hello")
    await queries_for_a_page()  # the token and the caches warm
    few, shown = await queries_for_a_page()
    assert shown == 1
    for i in range(6):
        await whisper(client, await make_user(f"more{i}"), alice, "hello")
    await queries_for_a_page()
    many, shown = await queries_for_a_page()
    assert shown == 7
    assert many == few


async def test_the_policy_is_read_with_the_checks_notify_makes_anyway(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    """Blocks, mutes, a duplicate and the policy come in one query: a notification the
    policy drops, or one already made, costs that query only."""
    status = await post(client, alice, "hello")
    await act(client, bob, f"/api/v1/statuses/{status['id']}/favourite")
    r = await client.patch(
        "/api/v2/notifications/policy", json={"for_not_following": "drop"}, headers=alice.auth
    )
    assert r.status_code == 200
    for kind in ("favourite", "reblog"):  # made before; dropped now
        async with roost.db.transaction() as tx:
            before = roost.db.query_count
            made = await notify(
                tx, account_id=alice.id, from_account_id=bob.id, type=kind,
                status_id=int(status["id"]),
            )  # fmt: skip
            assert roost.db.query_count - before == 1
        assert made is None
