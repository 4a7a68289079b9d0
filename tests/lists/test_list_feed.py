"""List timelines fanned out like home: each list's feed in the list feed store, filled by
the fan-out job under the list's replies policy and its owner's view, emptied of deleted
posts and removed members, dropped with its list, rebuilt from SQL when absent; blocks
and mutes applied when it is read; the live `list` stream as before."""

from __future__ import annotations

from typing import Any

import httpx

from roost.instance import Roost
from roost.lists.queries import list_channel, list_timeline
from roost.pubsub import decode_event
from tests.conftest import MakeUser, User
from tests.lists.test_lists import follow, new_list, post
from tests.timelines.test_outage import AwayFeeds


async def add(client: httpx.AsyncClient, owner: User, made: dict[str, Any], *who: User) -> None:
    body = {"account_ids": [str(u.id) for u in who]}
    r = await client.post(f"/api/v1/lists/{made['id']}/accounts", json=body, headers=owner.auth)
    assert r.status_code == 200, r.text


async def shown(
    client: httpx.AsyncClient, owner: User, made: dict[str, Any], q: str = ""
) -> list[str]:
    r = await client.get(f"/api/v1/timelines/list/{made['id']}{q}", headers=owner.auth)
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


async def stored(roost: Roost, made: dict[str, Any]) -> list[str] | None:
    """What the list's feed holds (None: absent)."""
    ids = await roost.list_feeds.page(int(made["id"]), limit=100)
    return None if ids is None else [str(i) for i in ids]


async def test_a_members_post_reaches_the_list_through_its_feed(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    await follow(client, alice, bob)
    await follow(client, alice, carol)
    made = await new_list(client, alice)
    await add(client, alice, made, bob)
    assert await stored(roost, made) is None  # absent until first read
    assert await shown(client, alice, made) == []  # builds it
    assert await stored(roost, made) == []
    s = await post(client, bob, status="into the list")
    private = await post(client, bob, status="followers only", visibility="private")
    await post(client, carol, status="not a member")
    reblog = await client.post(f"/api/v1/statuses/{s['id']}/reblog", headers=carol.auth)
    assert reblog.status_code == 200
    assert await stored(roost, made) == [private["id"], s["id"]]  # fanned out
    assert await shown(client, alice, made) == [private["id"], s["id"]]
    # Home feeds are apart: a home feed keyed by the list's id is not the list's.
    assert await roost.feeds.page(int(made["id"])) is None
    # A member's repost, and paging as home pages.
    boost = await client.post(f"/api/v1/statuses/{s['id']}/reblog", headers=bob.auth)
    assert boost.status_code == 200
    assert await stored(roost, made) == [boost.json()["id"], private["id"], s["id"]]
    assert await shown(client, alice, made, f"?max_id={private['id']}") == [s["id"]]
    assert await shown(client, alice, made, f"?since_id={s['id']}&limit=1") == [boost.json()["id"]]
    assert await shown(client, alice, made, f"?min_id={s['id']}&limit=1") == [private["id"]]
    # Undoing the repost takes it out.
    r = await client.post(f"/api/v1/statuses/{s['id']}/unreblog", headers=bob.auth)
    assert r.status_code == 200
    assert await stored(roost, made) == [private["id"], s["id"]]


async def test_replies_policies_and_visibility_at_fan_out(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User,
    make_user: MakeUser,
) -> None:  # fmt: skip
    dave, erin = await make_user("dave"), await make_user("erin")
    for who in (bob, carol, dave):
        await follow(client, alice, who)
    policies = {
        p: await new_list(client, alice, replies_policy=p) for p in ("list", "followed", "none")
    }
    for made in policies.values():
        await add(client, alice, made, bob, dave)
        assert await shown(client, alice, made) == []
    asks = {
        who.username: await post(client, who, status="a question")
        for who in (alice, carol, dave, erin)
    }
    replies = {
        name: await post(client, bob, status=f"@{name} answer", in_reply_to_id=asked["id"])
        for name, asked in asks.items()
    }
    own = await post(client, bob, status="own thread", in_reply_to_id=replies["dave"]["id"])
    secret = await post(client, bob, status="@carol between us", visibility="direct")
    to_alice = await post(client, bob, status="@alice for you", visibility="direct")
    expected = {
        "list": [replies["alice"], replies["dave"]],
        "followed": [replies["alice"], replies["carol"], replies["dave"]],
        "none": [],
    }
    for policy, made in policies.items():
        # dave's own question too (a member, replying to no one).
        want = [to_alice["id"], own["id"], *(r["id"] for r in reversed(expected[policy]))]
        want.append(asks["dave"]["id"])
        assert await stored(roost, made) == want, policy
        assert await shown(client, alice, made) == want, policy
        assert secret["id"] not in want
        # A rebuild puts the same in it.
        await roost.list_feeds.drop(int(made["id"]))
        assert await shown(client, alice, made) == want, policy
        assert await stored(roost, made) == want, policy


async def test_changing_the_replies_policy_rebuilds_the_feed(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    await follow(client, alice, bob)
    await follow(client, alice, carol)
    made = await new_list(client, alice, replies_policy="none")
    await add(client, alice, made, bob)
    asked = await post(client, carol, status="asks")
    reply = await post(client, bob, status="@carol answers", in_reply_to_id=asked["id"])
    assert await shown(client, alice, made) == []
    r = await client.put(f"/api/v1/lists/{made['id']}", json={"replies_policy": "followed"},
                         headers=alice.auth)  # fmt: skip
    assert r.status_code == 200
    assert await stored(roost, made) is None
    assert await shown(client, alice, made) == [reply["id"]]


async def test_members_come_with_their_posts_and_leave_with_them(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    await follow(client, alice, bob)
    await follow(client, alice, carol)
    made = await new_list(client, alice)
    await add(client, alice, made, bob)
    mine = await post(client, bob, status="bob")
    assert await shown(client, alice, made) == [mine["id"]]
    earlier = await post(client, carol, status="carol before joining")
    await add(client, alice, made, carol)  # backfilled into the present feed
    assert await stored(roost, made) == [earlier["id"], mine["id"]]
    boost = await client.post(f"/api/v1/statuses/{mine['id']}/reblog", headers=carol.auth)
    assert await stored(roost, made) == [boost.json()["id"], earlier["id"], mine["id"]]
    r = await client.request("DELETE", f"/api/v1/lists/{made['id']}/accounts",
                             json={"account_ids": [str(carol.id)]}, headers=alice.auth)  # fmt: skip
    assert r.status_code == 200
    assert await stored(roost, made) == [mine["id"]]  # her post and her repost
    # Unfollowing takes a member out of the list, and out of its feed.
    await client.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.auth)
    assert await stored(roost, made) == []
    assert await shown(client, alice, made) == []


async def test_deleted_posts_leave_and_deleted_lists_drop_their_feed(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await follow(client, alice, bob)
    made = await new_list(client, alice)
    await add(client, alice, made, bob)
    assert await shown(client, alice, made) == []
    kept = await post(client, bob, status="kept")
    gone = await post(client, bob, status="gone soon")
    assert await stored(roost, made) == [gone["id"], kept["id"]]
    assert (
        await client.delete(f"/api/v1/statuses/{gone['id']}", headers=bob.auth)
    ).status_code == 200
    assert await stored(roost, made) == [kept["id"]]
    assert await shown(client, alice, made) == [kept["id"]]
    assert (
        await client.delete(f"/api/v1/lists/{made['id']}", headers=alice.auth)
    ).status_code == 200
    assert await stored(roost, made) is None
    r = await client.get(f"/api/v1/timelines/list/{made['id']}", headers=alice.auth)
    assert r.status_code == 404


async def test_a_flushed_feed_is_rebuilt_and_blocks_and_mutes_hold_at_read(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    await follow(client, alice, bob)
    await follow(client, alice, carol)
    made = await new_list(client, alice)
    await add(client, alice, made, bob, carol)
    ids = [
        (await post(client, who, status=f"post {n}"))["id"]
        for n, who in enumerate([bob, carol] * 3)
    ]
    before = await shown(client, alice, made)
    assert before == ids[::-1]
    await roost.list_feeds.clear()  # Redis flushed / the SQL feed lost
    assert await stored(roost, made) is None
    assert await shown(client, alice, made) == before
    assert await stored(roost, made) == before
    # Muted: out of the page, though still in the feed; the page is still full.
    r = await client.post(f"/api/v1/accounts/{carol.id}/mute", headers=alice.auth)
    assert r.status_code == 200
    assert await shown(client, alice, made, "?limit=2") == [ids[4], ids[2]]
    r = await client.post(f"/api/v1/accounts/{carol.id}/unmute", headers=alice.auth)
    assert await shown(client, alice, made) == before
    # Blocked by the member: out of the page at once.
    r = await client.post(f"/api/v1/accounts/{alice.id}/block", headers=bob.auth)
    assert r.status_code == 200
    assert await shown(client, alice, made) == [ids[5], ids[3], ids[1]]


async def test_the_list_stream_is_as_before(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    await follow(client, alice, bob)
    made = await new_list(client, alice, replies_policy="none")
    await add(client, alice, made, bob)
    sub = await roost.pubsub.subscribe([list_channel(int(made["id"]))])
    await post(client, bob, status="@carol direct", visibility="direct")  # never streamed
    asked = await post(client, carol, status="asks")
    reply = await post(client, bob, status="@carol answers", in_reply_to_id=asked["id"])
    own = await post(client, bob, status="own")
    events = []
    async for _channel, message in sub:
        events.append(decode_event(message))
        if len(events) == 2:
            break
    await sub.close()
    # Every non-direct post of a member, whatever the replies policy lets into the feed.
    assert [(e.event, e.id) for e in events] == [("update", reply["id"]), ("update", own["id"])]


async def test_pages_from_sql_while_the_feed_store_is_away(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await follow(client, alice, bob)
    made = await new_list(client, alice)
    await add(client, alice, made, bob)
    ids = [int((await post(client, bob, status=f"post {n}"))["id"]) for n in range(7)][::-1]
    pagings: list[dict[str, Any]] = [
        {"limit": 3},
        {"max_id": ids[1], "limit": 2},
        {"since_id": ids[4], "limit": 20},
        {"min_id": ids[5], "limit": 2},
    ]
    for paging in pagings:
        args: dict[str, Any] = {"max_id": None, "since_id": None, "min_id": None, **paging}
        stored_page = await list_timeline(
            roost.db, roost.list_feeds, alice.id, int(made["id"]), **args
        )
        from_sql = await list_timeline(roost.db, AwayFeeds(), alice.id, int(made["id"]), **args)
        assert stored_page, paging
        assert list(from_sql) == list(stored_page), paging
