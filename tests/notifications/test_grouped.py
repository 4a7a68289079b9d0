"""Grouped notifications (/api/v2/notifications), and notifications made again after an
unfollow or an unfavourite."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest

from roost.instance import Roost
from roost.notifications import group_queries
from roost.pubsub import decode_event
from roost.statuses.actions import do_favourite
from tests.api.test_statuses import post
from tests.conftest import MakeUser, User

V2 = "/api/v2/notifications"


async def groups(client: httpx.AsyncClient, user: User, **params: Any) -> dict[str, Any]:
    r = await client.get(V2, params=params, headers=user.auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def summary(body: dict[str, Any]) -> list[tuple[str, int, list[str]]]:
    """(type, count, sample senders' ids) of each group, in order."""
    return [
        (g["type"], g["notifications_count"], g["sample_account_ids"])
        for g in body["notification_groups"]
    ]


def link_header(r: httpx.Response) -> dict[str, str]:
    """The Link header's URLs by rel."""
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', r.headers["Link"])}


async def act(client: httpx.AsyncClient, user: User, path: str) -> None:
    r = await client.post(path, headers=user.auth)
    assert r.status_code == 200, r.text


async def unread(client: httpx.AsyncClient, user: User, version: str = "v2", **params: Any) -> int:
    r = await client.get(
        f"/api/{version}/notifications/unread_count", params=params, headers=user.auth
    )
    assert r.status_code == 200, r.text
    count: int = r.json()["count"]
    return count


async def test_likes_reblogs_and_follows_are_grouped_mentions_are_not(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User, make_user: MakeUser
) -> None:
    dave = await make_user("dave")
    first = await post(client, alice, "first")
    second = await post(client, alice, "second")
    for user in (bob, carol, dave):
        await act(client, user, f"/api/v1/statuses/{first['id']}/favourite")
    await act(client, bob, f"/api/v1/statuses/{second['id']}/favourite")
    mention = await post(client, dave, "@alice hello")
    for user in (bob, carol):
        await act(client, user, f"/api/v1/statuses/{first['id']}/reblog")
        await act(client, user, f"/api/v1/accounts/{alice.id}/follow")

    body = await groups(client, alice)
    assert summary(body) == [
        ("follow", 2, [carol.sid, bob.sid]),
        ("reblog", 2, [carol.sid, bob.sid]),
        ("mention", 1, [dave.sid]),
        ("favourite", 1, [bob.sid]),
        ("favourite", 3, [dave.sid, carol.sid, bob.sid]),
    ]
    follow, reblog, mentioned, _, liked_first = body["notification_groups"]
    assert re.fullmatch(rf"favourite-{first['id']}-\d+", liked_first["group_key"])
    assert re.fullmatch(r"follow-\d+", follow["group_key"])
    assert mentioned["group_key"] == f"ungrouped-{mentioned['most_recent_notification_id']}"
    assert "status_id" not in follow
    assert (reblog["status_id"], mentioned["status_id"]) == (first["id"], mention["id"])
    for g in body["notification_groups"]:
        assert isinstance(g["most_recent_notification_id"], int)
        assert g["page_max_id"] == str(g["most_recent_notification_id"])
        assert int(g["page_min_id"]) <= int(g["page_max_id"])
        assert g["latest_page_notification_at"].endswith("Z")
    assert int(liked_first["page_min_id"]) < int(liked_first["page_max_id"])
    # Every account and status once, the statuses in full.
    assert sorted(a["id"] for a in body["accounts"]) == sorted([bob.sid, carol.sid, dave.sid])
    assert [s["id"] for s in body["statuses"]] == [first["id"], mention["id"], second["id"]]
    assert "partial_accounts" not in body
    # v1 names the same groups.
    r = await client.get("/api/v1/notifications", headers=alice.auth)
    keys = {n["group_key"] for n in r.json()}
    assert keys == {g["group_key"] for g in body["notification_groups"]}


async def test_grouped_types_types_and_exclude_types(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    status = await post(client, alice, "hi")
    for user in (bob, carol):
        await act(client, user, f"/api/v1/statuses/{status['id']}/favourite")
        await act(client, user, f"/api/v1/accounts/{alice.id}/follow")
    await post(client, bob, "@alice hey")

    body = await groups(client, alice, **{"grouped_types[]": "follow"})
    assert [(t, n) for t, n, _ in summary(body)] == [
        ("mention", 1), ("follow", 2), ("favourite", 1), ("favourite", 1),
    ]  # fmt: skip
    assert all(
        g["group_key"].startswith("ungrouped-")
        for g in body["notification_groups"]
        if g["type"] == "favourite"
    )
    body = await groups(client, alice, **{"grouped_types[]": "nonsense"})
    assert len(body["notification_groups"]) == 5
    body = await groups(client, alice, **{"types[]": ["favourite", "mention"]})
    assert [t for t, _, _ in summary(body)] == ["mention", "favourite"]
    body = await groups(client, alice, **{"exclude_types[]": ["favourite", "mention"]})
    assert summary(body) == [("follow", 2, [carol.sid, bob.sid])]
    body = await groups(client, alice, **{"types[]": "nonsense"})
    assert body["notification_groups"] == []
    body = await groups(client, alice, account_id=carol.sid)
    assert [t for t, _, _ in summary(body)] == ["follow", "favourite"]
    r = await client.get(V2, params={"account_id": "x"}, headers=alice.auth)
    assert r.status_code == 400


async def test_paging_by_group(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    status = await post(client, alice, "liked")
    await act(client, bob, f"/api/v1/statuses/{status['id']}/favourite")
    for i in range(3):
        await post(client, bob, f"@alice mention {i}")
    await act(client, carol, f"/api/v1/statuses/{status['id']}/favourite")

    r = await client.get(V2, params={"limit": 2}, headers=alice.auth)
    first_page = r.json()["notification_groups"]
    assert [(g["type"], g["notifications_count"]) for g in first_page] == [
        ("favourite", 2), ("mention", 1),
    ]  # fmt: skip
    links = link_header(r)
    assert f"max_id={first_page[-1]['most_recent_notification_id']}" in links["next"]
    assert f"min_id={first_page[0]['most_recent_notification_id']}" in links["prev"]
    assert "limit=2" in links["next"]

    r = await client.get(links["next"], headers=alice.auth)
    second_page = r.json()["notification_groups"]
    assert [g["type"] for g in second_page] == ["mention", "mention"]
    next_url = link_header(r)
    # The likes' group comes back with what is below the pages already read: bob's.
    r = await client.get(next_url["next"], headers=alice.auth)
    (older,) = r.json()["notification_groups"]
    assert (older["group_key"], older["notifications_count"]) == (first_page[0]["group_key"], 1)
    assert older["sample_account_ids"] == [bob.sid]
    r = await client.get(
        V2, params={"max_id": older["most_recent_notification_id"]}, headers=alice.auth
    )
    assert r.json()["notification_groups"] == []
    assert "Link" not in r.headers

    # Paging up from the second page gives the first again; since_id gives the newest.
    r = await client.get(next_url["prev"], headers=alice.auth)
    assert [g["group_key"] for g in r.json()["notification_groups"]] == [
        g["group_key"] for g in first_page
    ]
    since = second_page[0]["most_recent_notification_id"]
    body = await groups(client, alice, since_id=since)
    assert [g["group_key"] for g in body["notification_groups"]] == [
        g["group_key"] for g in first_page
    ]
    # Up from there, one at a time: the oldest group first; the likes' holds carol's only.
    body = await groups(client, alice, min_id=since, limit=1)
    assert [g["type"] for g in body["notification_groups"]] == ["mention"]
    body = await groups(client, alice, min_id=first_page[1]["most_recent_notification_id"])
    (likes,) = body["notification_groups"]
    assert likes["notifications_count"] == 2  # the count reaches down to the oldest
    assert likes["page_min_id"] == likes["page_max_id"]


async def test_expand_accounts_partial_avatars(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User, make_user: MakeUser
) -> None:
    dave = await make_user("dave")
    status = await post(client, alice, "hi")
    for user in (bob, carol, dave):
        await act(client, user, f"/api/v1/statuses/{status['id']}/favourite")
    await act(client, bob, f"/api/v1/accounts/{alice.id}/follow")

    body = await groups(client, alice, expand_accounts="partial_avatars")
    assert [a["id"] for a in body["accounts"]] == [bob.sid, dave.sid]
    assert [a["id"] for a in body["partial_accounts"]] == [carol.sid]
    assert set(body["partial_accounts"][0]) == {
        "id", "acct", "locked", "bot", "url", "avatar", "avatar_static",
    }  # fmt: skip
    r = await client.get(V2, params={"expand_accounts": "some"}, headers=alice.auth)
    assert r.status_code == 422
    assert "expand_accounts" in r.json()["error"]


async def test_show_accounts_and_dismiss_a_group(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    status = await post(client, alice, "hi")
    for user in (bob, carol):
        await act(client, user, f"/api/v1/statuses/{status['id']}/favourite")
    mention = await post(client, carol, "@alice look")
    listed = (await groups(client, alice))["notification_groups"]
    key = listed[1]["group_key"]

    r = await client.get(f"{V2}/{key}", headers=alice.auth)
    assert r.status_code == 200
    (group,) = r.json()["notification_groups"]
    assert (group["group_key"], group["notifications_count"]) == (key, 2)
    assert group["sample_account_ids"] == [carol.sid, bob.sid]
    assert "page_min_id" not in group
    assert "latest_page_notification_at" not in group
    assert [s["id"] for s in r.json()["statuses"]] == [status["id"]]
    r = await client.get(f"{V2}/{listed[0]['group_key']}", headers=alice.auth)
    assert r.json()["notification_groups"][0]["status_id"] == mention["id"]

    r = await client.get(f"{V2}/{key}/accounts", headers=alice.auth)
    assert [a["username"] for a in r.json()] == ["carol", "bob"]
    r = await client.get(f"{V2}/{key}/accounts", params={"limit": 1}, headers=alice.auth)
    assert [a["username"] for a in r.json()] == ["carol"]
    assert 'rel="next"' in r.headers["Link"]

    for bad in (key, "ungrouped-abc", "ungrouped-99999999999999999999", "x" * 200, "nope"):
        r = await client.get(f"{V2}/{bad}", headers=bob.auth)  # not bob's, or no group
        assert r.status_code == 404, bad
        assert "error" in r.json()
        r = await client.get(f"{V2}/{bad}/accounts", headers=bob.auth)
        assert r.status_code == 404, bad

    r = await client.post(f"{V2}/{key}/dismiss", headers=bob.auth)  # someone else's: no-op
    assert r.status_code == 200
    r = await client.post(f"{V2}/{key}/dismiss", headers=alice.auth)
    assert (r.status_code, r.json()) == (200, {})
    r = await client.get(f"{V2}/{key}", headers=alice.auth)
    assert r.status_code == 404
    r = await client.get("/api/v1/notifications", headers=alice.auth)
    assert [n["type"] for n in r.json()] == ["mention"]
    r = await client.post(f"{V2}/{listed[0]['group_key']}/dismiss", headers=alice.auth)
    assert (await groups(client, alice))["notification_groups"] == []


async def test_unread_count_follows_the_marker(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    status = await post(client, alice, "hi")
    await act(client, bob, f"/api/v1/statuses/{status['id']}/favourite")
    await post(client, bob, "@alice one")
    await act(client, carol, f"/api/v1/statuses/{status['id']}/favourite")
    await post(client, carol, "@alice two")
    assert await unread(client, alice) == 3  # likes (one group), two mentions
    assert await unread(client, alice, "v1") == 4
    assert await unread(client, alice, **{"grouped_types[]": "follow"}) == 4
    assert await unread(client, alice, limit=2) == 2
    assert await unread(client, alice, **{"types[]": "mention"}) == 2
    assert await unread(client, alice, **{"exclude_types[]": "mention"}) == 1
    assert await unread(client, alice, account_id=carol.sid) == 2

    ids = [n["id"] for n in (await client.get("/api/v1/notifications", headers=alice.auth)).json()]
    r = await client.post(
        "/api/v1/markers", data={"notifications[last_read_id]": ids[1]}, headers=alice.auth
    )
    assert r.status_code == 200
    assert await unread(client, alice) == 1
    await act(client, bob, f"/api/v1/accounts/{alice.id}/follow")
    assert await unread(client, alice) == 2
    r = await client.get(f"{V2}/unread_count", params={"limit": "lots"}, headers=alice.auth)
    assert r.status_code == 400


async def test_following_again_after_an_unfollow_notifies_again(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    status = await post(client, alice, "hi")
    await act(client, bob, f"/api/v1/accounts/{alice.id}/follow")
    await act(client, bob, f"/api/v1/statuses/{status['id']}/favourite")
    ids = [n["id"] for n in (await client.get("/api/v1/notifications", headers=alice.auth)).json()]
    await client.post(
        "/api/v1/markers", data={"notifications[last_read_id]": ids[0]}, headers=alice.auth
    )
    assert (await unread(client, alice, "v1"), await unread(client, alice)) == (0, 0)

    subscription = await roost.pubsub.subscribe([f"timeline:{alice.id}"])
    events = aiter(subscription)
    try:
        await act(client, bob, f"/api/v1/accounts/{alice.id}/unfollow")
        r = await client.get("/api/v1/notifications", headers=alice.auth)
        assert [n["type"] for n in r.json()] == ["favourite"]  # the follow's went with it
        await act(client, bob, f"/api/v1/statuses/{status['id']}/unfavourite")
        await act(client, bob, f"/api/v1/accounts/{alice.id}/follow")
        await act(client, bob, f"/api/v1/statuses/{status['id']}/favourite")
        r = await client.get("/api/v1/notifications", headers=alice.auth)
        fresh = r.json()
        assert [n["type"] for n in fresh] == ["favourite", "follow"]
        assert all(int(n["id"]) > int(ids[0]) for n in fresh)
        # Each was sent on the stream, as a new notification.
        sent: list[str] = []
        async with asyncio.timeout(5):
            while len(sent) < 2:
                _, message = await anext(events)
                event = decode_event(message)
                if event.event == "notification":
                    sent.append(event.id)
        assert sent == [fresh[1]["id"], fresh[0]["id"]]
    finally:
        await subscription.close()
    assert (await unread(client, alice, "v1"), await unread(client, alice)) == (2, 2)
    body = await groups(client, alice)
    assert summary(body) == [("favourite", 1, [bob.sid]), ("follow", 1, [bob.sid])]


async def test_two_hundred_likes_are_one_group_read_in_a_fixed_number_of_queries(
    client: httpx.AsyncClient, roost: Roost, alice: User, make_user: MakeUser
) -> None:
    roost.tokens.ttl = 3600  # the auth lookup is cached; keep it out of what is counted
    status = await post(client, alice, "going viral")
    await post(client, alice, "another")
    likers = [await make_user(f"fan{i}") for i in range(200)]

    async def queries_for_a_page() -> tuple[int, dict[str, Any]]:
        await client.get(V2, headers=alice.auth)  # warm the caches
        before = roost.db.query_count
        body = await groups(client, alice)
        return roost.db.query_count - before, body

    await do_favourite(roost.db, likers[0].id, int(status["id"]))
    small, _ = await queries_for_a_page()
    for liker in likers[1:]:
        await do_favourite(roost.db, liker.id, int(status["id"]))
    large, body = await queries_for_a_page()
    (group,) = body["notification_groups"]
    assert group["notifications_count"] == 200
    assert group["sample_account_ids"] == [u.sid for u in reversed(likers[-8:])]
    assert len(body["accounts"]) == 8
    assert large == small, f"{small} queries for one like, {large} for 200"
    # groups with their notifications, the groups' counts, their samples, accounts;
    # statuses, mentions, tags (the status was just liked, so its cached render is stale),
    # their accounts, viewer flags
    assert large <= 9


async def test_a_page_reads_past_a_window_full_of_one_group(
    client: httpx.AsyncClient,
    roost: Roost,
    alice: User,
    bob: User,
    make_user: MakeUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await post(client, bob, "@alice older news")
    status = await post(client, alice, "liked")
    for i in range(5):
        fan = await make_user(f"fan{i}")
        await do_favourite(roost.db, fan.id, int(status["id"]))
    whole = await groups(client, alice)
    assert [(t, n) for t, n, _ in summary(whole)] == [("favourite", 5), ("mention", 1)]
    monkeypatch.setattr(group_queries, "WINDOW", 3)  # the five likes fill it
    assert await groups(client, alice) == whole
    body = await groups(client, alice, limit=1)
    assert [(t, n) for t, n, _ in summary(body)] == [("favourite", 5)]
