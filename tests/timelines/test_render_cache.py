"""The rendered-status cache never serves a stale count or a deleted post."""

from __future__ import annotations

import httpx

from roost.instance import Roost
from roost.statuses.render import MARKER, status_key
from tests.api.test_statuses import post
from tests.conftest import User


async def test_counts_are_fresh_after_every_change(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    s = await post(client, alice, "count me")
    sid = s["id"]

    async def counts() -> tuple[int, int, int]:
        r = await client.get(f"/api/v1/statuses/{sid}", headers=carol.auth)
        body = r.json()
        return body["favourites_count"], body["reblogs_count"], body["replies_count"]

    assert await counts() == (0, 0, 0)
    [cached] = await roost.cache.get_many([status_key(int(sid))])
    assert cached is not None
    assert cached != MARKER  # the render was cached
    await client.post(f"/api/v1/statuses/{sid}/favourite", headers=bob.auth)
    assert await counts() == (1, 0, 0)
    await client.post(f"/api/v1/statuses/{sid}/reblog", headers=bob.auth)
    assert await counts() == (1, 1, 0)
    reply = await post(client, bob, "@alice yes", in_reply_to_id=sid)
    assert await counts() == (1, 1, 1)
    await client.delete(f"/api/v1/statuses/{reply['id']}", headers=bob.auth)
    await client.post(f"/api/v1/statuses/{sid}/unreblog", headers=bob.auth)
    await client.post(f"/api/v1/statuses/{sid}/unfavourite", headers=bob.auth)
    assert await counts() == (0, 0, 0)
    # The home timeline (rendered through the same cache) agrees.
    r = await client.get("/api/v1/timelines/home", headers=alice.auth)
    assert r.json()[0]["favourites_count"] == 0


async def test_deleted_post_is_never_served(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    s = await post(client, alice, "short-lived")
    for path in (f"/api/v1/statuses/{s['id']}", "/api/v1/timelines/home"):
        assert (await client.get(path, headers=bob.auth)).status_code == 200
    await client.delete(f"/api/v1/statuses/{s['id']}", headers=alice.auth)
    assert (await client.get(f"/api/v1/statuses/{s['id']}", headers=bob.auth)).status_code == 404
    r = await client.get("/api/v1/timelines/home", headers=bob.auth)
    assert s["id"] not in [x["id"] for x in r.json()]
    r = await client.get(f"/api/v1/statuses?id[]={s['id']}", headers=bob.auth)
    assert r.json() == []


async def test_a_fill_cannot_overwrite_an_invalidation(roost: Roost) -> None:
    """A render that read the old row before a write must not put it back in the cache."""
    key = status_key(123)
    await roost.cache.set_many({key: MARKER}, 10)  # what invalidation leaves
    await roost.cache.add_many({key: b"old render"}, 600)  # the slow reader's fill
    assert await roost.cache.get_many([key]) == [MARKER]


async def test_account_changes_show_at_once(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    s = await post(client, alice, "hello")
    await client.get(f"/api/v1/statuses/{s['id']}")
    await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    r = await client.patch(
        "/api/v1/accounts/update_credentials", data={"display_name": "Alice A."}, headers=alice.auth
    )
    assert r.status_code == 200
    r = await client.get(f"/api/v1/statuses/{s['id']}")
    assert r.json()["account"]["display_name"] == "Alice A."
    assert r.json()["account"]["followers_count"] == 1
