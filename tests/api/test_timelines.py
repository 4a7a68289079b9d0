"""Timelines, paging, account statuses filters, pins, hashtags, favourites and bookmarks."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.api.test_statuses import post
from tests.conftest import User


def links(r: httpx.Response) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', r.headers["link"])}


async def test_paging_with_link_headers(client: httpx.AsyncClient, alice: User) -> None:
    ids = [(await post(client, alice, f"n{i}"))["id"] for i in range(7)]
    newest_first = list(reversed(ids))
    r = await client.get("/api/v1/timelines/home?limit=3", headers=alice.auth)
    assert [s["id"] for s in r.json()] == newest_first[:3]
    nxt = links(r)["next"]
    assert f"max_id={newest_first[2]}" in nxt
    assert "limit=3" in nxt
    r2 = await client.get(nxt, headers=alice.auth)
    assert [s["id"] for s in r2.json()] == newest_first[3:6]
    r3 = await client.get(links(r2)["prev"], headers=alice.auth)
    assert [s["id"] for s in r3.json()] == newest_first[:3]
    # since_id gives the newest page above; min_id the page just above.
    r = await client.get(f"/api/v1/timelines/home?since_id={ids[2]}&limit=2", headers=alice.auth)
    assert [s["id"] for s in r.json()] == [ids[6], ids[5]]
    r = await client.get(f"/api/v1/timelines/home?min_id={ids[2]}&limit=2", headers=alice.auth)
    assert [s["id"] for s in r.json()] == [ids[4], ids[3]]
    # An empty page has no Link header.
    r = await client.get(f"/api/v1/timelines/home?min_id={ids[6]}", headers=alice.auth)
    assert r.json() == []
    assert "link" not in r.headers
    r = await client.get("/api/v1/timelines/home?limit=abc", headers=alice.auth)
    assert r.status_code == 400
    r = await client.get("/api/v1/timelines/home?limit=1000", headers=alice.auth)
    assert len(r.json()) == 7  # clamped to 40, fewer exist


async def test_account_statuses_filters(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    own = await post(client, alice, "plain #cats")
    self_reply = await post(client, alice, "thread", in_reply_to_id=own["id"])
    bobs = await post(client, bob, "bob's")
    reply = await post(client, alice, "@bob reply", in_reply_to_id=bobs["id"])
    boost = (await client.post(f"/api/v1/statuses/{bobs['id']}/reblog", headers=alice.auth)).json()

    async def ids(query: str) -> list[str]:
        r = await client.get(f"/api/v1/accounts/{alice.id}/statuses?{query}", headers=bob.auth)
        assert r.status_code == 200, r.text
        return [s["id"] for s in r.json()]

    assert await ids("") == [boost["id"], reply["id"], self_reply["id"], own["id"]]
    assert await ids("exclude_replies=true") == [boost["id"], self_reply["id"], own["id"]]
    assert await ids("exclude_reblogs=1") == [reply["id"], self_reply["id"], own["id"]]
    assert await ids("tagged=cats") == [own["id"]]
    assert await ids("only_media=true") == []
    r = await client.post(f"/api/v1/statuses/{own['id']}/pin", headers=alice.auth)
    assert r.status_code == 200
    assert r.json()["pinned"] is True
    assert await ids("pinned=true") == [own["id"]]
    r = await client.post(f"/api/v1/statuses/{bobs['id']}/pin", headers=alice.auth)
    assert r.status_code == 422
    r = await client.post(f"/api/v1/statuses/{own['id']}/unpin", headers=alice.auth)
    assert r.json()["pinned"] is False
    assert await ids("pinned=true") == []
    r = await client.get("/api/v1/accounts/999/statuses")
    assert r.status_code == 404


async def test_hashtag_timeline(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    a = await post(client, alice, "#Python and #roost")
    b = await post(client, bob, "#python only")
    await post(client, bob, "#python unlisted", visibility="unlisted")
    r = await client.get("/api/v1/timelines/tag/PYTHON")
    assert [s["id"] for s in r.json()] == [b["id"], a["id"]]
    r = await client.get("/api/v1/timelines/tag/python?all[]=roost")
    assert [s["id"] for s in r.json()] == [a["id"]]
    r = await client.get("/api/v1/timelines/tag/python?none[]=roost")
    assert [s["id"] for s in r.json()] == [b["id"]]
    r = await client.get("/api/v1/timelines/tag/nothing?any[]=roost")
    assert [s["id"] for s in r.json()] == [a["id"]]


async def test_public_timeline_leaves_out_boosts_and_replies_to_others(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    a = await post(client, alice, "hello")
    await post(client, bob, "@alice hi", in_reply_to_id=a["id"])
    await client.post(f"/api/v1/statuses/{a['id']}/reblog", headers=bob.auth)
    r = await client.get("/api/v1/timelines/public")
    assert [s["id"] for s in r.json()] == [a["id"]]
    r = await client.get("/api/v1/timelines/public?remote=true")
    assert r.json() == []


async def test_favourites_and_bookmarks_lists(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    s1 = await post(client, bob, "one")
    s2 = await post(client, bob, "two")
    for s in (s2, s1):  # favourite the older one last: the list is by favourite time
        await client.post(f"/api/v1/statuses/{s['id']}/favourite", headers=alice.auth)
        await client.post(f"/api/v1/statuses/{s['id']}/bookmark", headers=alice.auth)
    for path in ("favourites", "bookmarks"):
        r = await client.get(f"/api/v1/{path}", headers=alice.auth)
        assert [s["id"] for s in r.json()] == [s1["id"], s2["id"]]
        r2 = await client.get(links(r)["next"], headers=alice.auth)
        assert r2.json() == []
    r = await client.get(f"/api/v1/statuses/{s1['id']}/favourited_by")
    assert [a["username"] for a in r.json()] == ["alice"]


async def test_reblog_in_followers_home_and_counts(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=carol.auth)
    s = await post(client, alice, "boost me")
    r = await client.post(f"/api/v1/statuses/{s['id']}/reblog", headers=bob.auth)
    reblog: dict[str, Any] = r.json()
    assert reblog["reblog"]["id"] == s["id"]
    assert reblog["reblogged"] is True
    r = await client.get("/api/v1/timelines/home", headers=carol.auth)
    assert [x["id"] for x in r.json()] == [reblog["id"]]
    assert r.json()[0]["reblog"]["reblogs_count"] == 1
    again = await client.post(f"/api/v1/statuses/{s['id']}/reblog", headers=bob.auth)
    assert again.json()["id"] == reblog["id"]  # idempotent
    r = await client.get(f"/api/v1/statuses/{s['id']}/reblogged_by")
    assert [a["username"] for a in r.json()] == ["bob"]
    await client.delete(f"/api/v1/statuses/{s['id']}", headers=alice.auth)
    r = await client.get("/api/v1/timelines/home", headers=carol.auth)
    assert r.json() == []
    r = await client.get(f"/api/v1/accounts/{bob.id}")
    assert r.json()["statuses_count"] == 0
