"""The social graph through the API: follows, follow requests, blocks, mutes, relationships."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from roost.accounts.tables import accounts
from roost.graph.tables import follow_requests, follows, mutes
from roost.instance import Roost
from roost.notifications.tables import notifications
from roost.timelines.rebuild import feed_entries_for
from roost.timeutil import utcnow
from tests.api.test_registration import app_token
from tests.conftest import MakeUser, User


async def post_status(
    client: httpx.AsyncClient, user: User, text: str = "hello", **extra: Any
) -> str:
    """Post a status through the API; returns its id."""
    r = await client.post("/api/v1/statuses", json={"status": text, **extra}, headers=user.auth)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


async def act(
    client: httpx.AsyncClient, user: User, target: User | str, verb: str, **data: Any
) -> dict[str, Any]:
    """POST /api/v1/accounts/{id}/{verb}; returns the Relationship."""
    target_id = target if isinstance(target, str) else target.sid
    r = await client.post(f"/api/v1/accounts/{target_id}/{verb}", data=data, headers=user.auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def relationship(client: httpx.AsyncClient, user: User, other: User) -> dict[str, Any]:
    r = await client.get(
        "/api/v1/accounts/relationships", params={"id[]": other.sid}, headers=user.auth
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()[0]
    return body


async def counts(roost: Roost, user: User) -> tuple[int, int]:
    """(followers_count, following_count)"""
    row = await roost.db.fetch_one(
        sa.select(accounts.c.followers_count, accounts.c.following_count).where(
            accounts.c.id == user.id
        )
    )
    assert row is not None
    return row.followers_count, row.following_count


async def notification_types(roost: Roost, user: User) -> list[str]:
    return await roost.db.scalars(
        sa.select(notifications.c.type)
        .where(notifications.c.account_id == user.id)
        .order_by(notifications.c.id)
    )


async def feed(roost: Roost, user: User) -> set[str]:
    """What the feed store holds for `user` (built from SQL first if absent)."""
    ids = await roost.feeds.page(user.id, limit=800)
    if ids is None:
        await roost.feeds.fill(user.id, await feed_entries_for(roost.db, user.id))
        ids = await roost.feeds.page(user.id, limit=800) or []
    return {str(i) for i in ids}


def links(response: httpx.Response) -> dict[str, str]:
    return {
        rel: url
        for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("link", ""))
    }


async def test_follow_and_unfollow(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    rel = await act(client, alice, bob, "follow")
    assert rel == {
        "id": bob.sid,
        "following": True,
        "showing_reblogs": True,
        "notifying": False,
        "languages": None,
        "followed_by": False,
        "blocking": False,
        "blocked_by": False,
        "muting": False,
        "muting_notifications": False,
        "muting_expires_at": None,
        "requested": False,
        "requested_by": False,
        "domain_blocking": False,
        "endorsed": False,
        "note": "",
    }
    assert await counts(roost, alice) == (0, 1)
    assert await counts(roost, bob) == (1, 0)
    assert await notification_types(roost, bob) == ["follow"]
    assert (await relationship(client, bob, alice))["followed_by"] is True

    # Following again is harmless and updates only the options given.
    rel = await act(client, alice, bob, "follow", notify="true")
    assert (rel["following"], rel["notifying"], rel["showing_reblogs"]) == (True, True, True)
    rel = await act(client, alice, bob, "follow", reblogs="false")
    assert (rel["notifying"], rel["showing_reblogs"]) == (True, False)
    assert await counts(roost, bob) == (1, 0)
    assert await notification_types(roost, bob) == ["follow"]

    rel = await act(client, alice, bob, "unfollow")
    assert rel["following"] is False
    assert await counts(roost, alice) == (0, 0)
    assert await counts(roost, bob) == (0, 0)
    rel = await act(client, alice, bob, "unfollow")  # again: still fine
    assert await counts(roost, bob) == (0, 0)


async def test_graph_bad_input(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, make_user: MakeUser
) -> None:
    r = await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=alice.auth)
    assert r.status_code == 403
    assert r.json() == {"error": "You cannot follow yourself"}
    for verb in (
        "follow",
        "unfollow",
        "block",
        "unblock",
        "mute",
        "unmute",
        "remove_from_followers",
    ):
        r = await client.post(f"/api/v1/accounts/42/{verb}", headers=alice.auth)
        assert r.status_code == 404, verb
        assert r.json() == {"error": "Record not found"}
        r = await client.post(f"/api/v1/accounts/nope/{verb}", headers=alice.auth)
        assert r.status_code == 404, verb
        r = await client.post(f"/api/v1/accounts/{bob.id}/{verb}")
        assert r.status_code == 401, verb
    r = await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=await app_token(roost))
    assert r.status_code == 422  # an app-only token has nobody to follow with
    reader = await make_user("reader", scopes="read")
    for verb in ("follow", "block", "mute"):
        r = await client.post(f"/api/v1/accounts/{bob.id}/{verb}", headers=reader.auth)
        assert r.status_code == 403, verb
        assert r.json() == {"error": "This action is outside the authorized scopes"}
    # Granular and the old `follow` scope both do.
    follower = await make_user("follower", scopes="follow")
    await act(client, follower, bob, "follow")
    granular = await make_user("granular", scopes="write:follows read:follows")
    await act(client, granular, bob, "follow")
    r = await client.post(f"/api/v1/accounts/{bob.id}/block", headers=granular.auth)
    assert r.status_code == 403
    r = await client.post(
        f"/api/v1/accounts/{bob.id}/mute", data={"duration": "soon"}, headers=alice.auth
    )
    assert r.status_code == 400
    await roost.db.execute(
        accounts.update().where(accounts.c.id == bob.id).values(suspended_at=utcnow())
    )
    r = await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.auth)
    assert r.status_code == 404


async def test_locked_account_authorize(
    client: httpx.AsyncClient, roost: Roost, alice: User, locked: User
) -> None:
    rel = await act(client, alice, locked, "follow", reblogs="false")
    assert (rel["following"], rel["requested"]) == (False, True)
    assert await notification_types(roost, locked) == ["follow_request"]
    assert await counts(roost, locked) == (0, 0)
    assert (await relationship(client, locked, alice))["requested_by"] is True
    rel = await act(client, alice, locked, "follow")  # asking twice is one request
    assert rel["requested"] is True
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(follow_requests)) == 1

    r = await client.get("/api/v1/follow_requests", headers=locked.auth)
    assert r.status_code == 200
    assert [a["id"] for a in r.json()] == [alice.sid]
    r = await client.get("/api/v1/accounts/verify_credentials", headers=locked.auth)
    assert r.json()["source"]["follow_requests_count"] == 1

    r = await client.post(f"/api/v1/follow_requests/{alice.id}/authorize", headers=locked.auth)
    assert r.status_code == 200, r.text
    assert r.json()["id"] == alice.sid
    assert (r.json()["followed_by"], r.json()["requested_by"]) == (True, False)
    assert await notification_types(roost, locked) == ["follow"]
    assert await counts(roost, locked) == (1, 0)
    assert await counts(roost, alice) == (0, 1)
    rel = await relationship(client, alice, locked)
    assert (rel["following"], rel["requested"], rel["showing_reblogs"]) == (True, False, False)
    r = await client.get("/api/v1/follow_requests", headers=locked.auth)
    assert r.json() == []
    r = await client.post(f"/api/v1/follow_requests/{alice.id}/authorize", headers=locked.auth)
    assert r.status_code == 404


async def test_request_to_an_account_unlocked_since_is_accepted_on_asking_again(
    client: httpx.AsyncClient, roost: Roost, alice: User, locked: User
) -> None:
    await act(client, alice, locked, "follow")
    await roost.db.execute(accounts.update().where(accounts.c.id == locked.id).values(locked=False))
    rel = await act(client, alice, locked, "follow")
    assert (rel["following"], rel["requested"]) == (True, False)
    assert await counts(roost, locked) == (1, 0)
    assert await notification_types(roost, locked) == ["follow"]


async def test_locked_account_reject_and_withdraw(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, locked: User
) -> None:
    await act(client, alice, locked, "follow")
    r = await client.post(f"/api/v1/follow_requests/{alice.id}/reject", headers=locked.auth)
    assert r.status_code == 200
    assert r.json()["requested_by"] is False
    assert await notification_types(roost, locked) == []
    rel = await relationship(client, alice, locked)
    assert (rel["following"], rel["requested"]) == (False, False)
    assert await counts(roost, locked) == (0, 0)
    for path in ("reject", "authorize"):
        r = await client.post(f"/api/v1/follow_requests/{alice.id}/{path}", headers=locked.auth)
        assert r.status_code == 404
        r = await client.post(f"/api/v1/follow_requests/x/{path}", headers=locked.auth)
        assert r.status_code == 404
    r = await client.get("/api/v1/follow_requests")
    assert r.status_code == 401

    await act(client, bob, locked, "follow")
    rel = await act(client, bob, locked, "unfollow")
    assert rel["requested"] is False
    assert await notification_types(roost, locked) == []
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(follow_requests)) == 0


async def test_block_ends_follows_both_ways(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, locked: User
) -> None:
    await act(client, alice, bob, "follow")
    await act(client, bob, alice, "follow")
    await act(client, locked, alice, "follow")
    await act(client, alice, locked, "follow")  # pending request
    bob_post = await post_status(client, bob, "from bob")
    assert bob_post in await feed(roost, alice)

    rel = await act(client, alice, bob, "block")
    assert (rel["blocking"], rel["following"], rel["followed_by"]) == (True, False, False)
    assert (await relationship(client, bob, alice))["blocked_by"] is True
    assert await counts(roost, alice) == (1, 0)  # locked still follows alice
    assert await counts(roost, bob) == (0, 0)
    assert bob_post not in await feed(roost, alice)
    for follower, followee in ((alice, bob), (bob, alice)):
        r = await client.post(f"/api/v1/accounts/{followee.id}/follow", headers=follower.auth)
        assert r.status_code == 403
        assert r.json() == {"error": "This action is not allowed"}

    rel = await act(client, locked, alice, "block")  # the blocked side had a request pending
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(follow_requests)) == 0
    assert await counts(roost, alice) == (0, 0)
    assert "follow_request" not in await notification_types(roost, locked)

    r = await client.get("/api/v1/blocks", headers=alice.auth)
    assert [a["id"] for a in r.json()] == [bob.sid]
    r = await client.get("/api/v1/blocks", headers=bob.auth)
    assert r.json() == []
    rel = await act(client, alice, bob, "unblock")
    assert rel["blocking"] is False
    assert rel["following"] is False  # unblocking does not restore follows
    r = await client.get("/api/v1/blocks", headers=alice.auth)
    assert r.json() == []
    await act(client, alice, bob, "follow")


async def test_mute(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    rel = await act(client, alice, bob, "mute")
    assert (rel["muting"], rel["muting_notifications"], rel["muting_expires_at"]) == (
        True,
        True,
        None,
    )
    rel = await act(client, alice, bob, "mute", notifications="false", duration="3600")
    assert (rel["muting"], rel["muting_notifications"]) == (True, False)
    assert rel["muting_expires_at"] is not None
    assert rel["muting_expires_at"].endswith("Z")
    rel = await act(client, alice, carol, "mute")
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(mutes)) == 2

    r = await client.get("/api/v1/mutes", headers=alice.auth)
    assert r.status_code == 200
    assert [(a["id"], a["mute_expires_at"] is None) for a in r.json()] == [
        (carol.sid, True),
        (bob.sid, False),
    ]
    # An expired mute no longer counts.
    await roost.db.execute(
        mutes.update()
        .where(mutes.c.target_account_id == bob.id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    assert (await relationship(client, alice, bob))["muting"] is False
    r = await client.get("/api/v1/mutes", headers=alice.auth)
    assert [a["id"] for a in r.json()] == [carol.sid]
    rel = await act(client, alice, carol, "unmute")
    assert rel["muting"] is False
    r = await client.get("/api/v1/mutes", headers=alice.auth)
    assert r.json() == []
    r = await client.post(f"/api/v1/accounts/{alice.id}/mute", headers=alice.auth)
    assert r.status_code == 403


async def test_remove_from_followers(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await act(client, bob, alice, "follow")
    alice_post = await post_status(client, alice)
    assert alice_post in await feed(roost, bob)
    rel = await act(client, alice, bob, "remove_from_followers")
    assert rel["followed_by"] is False
    assert await counts(roost, alice) == (0, 0)
    assert await counts(roost, bob) == (0, 0)
    assert alice_post not in await feed(roost, bob)


async def test_relationships_are_batched(
    client: httpx.AsyncClient, roost: Roost, alice: User, make_user: MakeUser
) -> None:
    others = [await make_user(f"user{i}", locked=i == 0) for i in range(10)]
    for i, other in enumerate(others):
        await act(client, alice, other, ["follow", "block", "mute"][i % 3])
    await act(client, others[2], alice, "follow")

    async def queries_for(users: list[User]) -> tuple[int, list[dict[str, Any]]]:
        params = {"id[]": [u.sid for u in users]}
        before = roost.db.query_count
        r = await client.get("/api/v1/accounts/relationships", params=params, headers=alice.auth)
        assert r.status_code == 200
        return roost.db.query_count - before, r.json()

    await queries_for(others[:1])  # warm the token cache
    one, _ = await queries_for(others[:1])
    ten, rels = await queries_for(others)
    assert one == ten
    assert ten <= 2  # the relationships query (SQLite also counts the BEGIN before it)
    assert [r["id"] for r in rels] == [u.sid for u in others]
    assert [(r["requested"], r["following"], r["blocking"], r["muting"]) for r in rels[:4]] == [
        (True, False, False, False),
        (False, False, True, False),
        (False, False, False, True),
        (False, True, False, False),
    ]
    assert rels[2]["followed_by"] is True
    assert rels[5]["muting"] is True

    # Unknown and malformed ids are left out; the viewer itself is allowed.
    r = await client.get(
        "/api/v1/accounts/relationships",
        params=[("id[]", "1"), ("id[]", "abc"), ("id[]", alice.sid)],
        headers=alice.auth,
    )
    assert [x["id"] for x in r.json()] == [alice.sid]
    r = await client.get("/api/v1/accounts/relationships", headers=alice.auth)
    assert r.json() == []
    assert (await client.get("/api/v1/accounts/relationships")).status_code == 401


async def test_followers_paging_with_link_headers(
    client: httpx.AsyncClient, alice: User, make_user: MakeUser
) -> None:
    fans = [await make_user(f"fan{i}") for i in range(5)]
    for fan in fans:
        await act(client, fan, alice, "follow")
    newest_first = [f.sid for f in reversed(fans)]
    seen: list[str] = []
    url = f"/api/v1/accounts/{alice.id}/followers?limit=2"
    pages = 0
    while url:
        r = await client.get(url)
        assert r.status_code == 200
        page = [a["id"] for a in r.json()]
        if not page:
            assert "link" not in r.headers
            break
        seen += page
        url = links(r)["next"]
        pages += 1
        assert url.startswith("http://testserver/api/v1/accounts/")
        assert "limit=2" in url
    assert seen == newest_first
    assert pages == 3
    # The prev link of the second page gives the first page back.
    r = await client.get(f"/api/v1/accounts/{alice.id}/followers?limit=2")
    r2 = await client.get(links(r)["next"])
    r1 = await client.get(links(r2)["prev"])
    assert [a["id"] for a in r1.json()] == newest_first[:2]

    r = await client.get(f"/api/v1/accounts/{fans[0].id}/following")
    assert [a["id"] for a in r.json()] == [alice.sid]
    r = await client.get(f"/api/v1/accounts/{alice.id}/following")
    assert r.json() == []
    assert (await client.get("/api/v1/accounts/999/followers")).status_code == 404
    assert (await client.get("/api/v1/accounts/x/following")).status_code == 404


async def test_hidden_collections(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    await act(client, bob, alice, "follow")
    r = await client.patch(
        "/api/v1/accounts/update_credentials", data={"hide_collections": "true"}, headers=alice.auth
    )
    assert r.status_code == 200
    for who in (None, bob):
        r = await client.get(
            f"/api/v1/accounts/{alice.id}/followers", headers=who.auth if who else None
        )
        assert r.json() == []
    r = await client.get(f"/api/v1/accounts/{alice.id}/followers", headers=alice.auth)
    assert [a["id"] for a in r.json()] == [bob.sid]
    # An account that blocks you hides its lists from you.
    await act(client, carol, bob, "follow")
    await act(client, carol, alice, "block")
    r = await client.get(f"/api/v1/accounts/{carol.id}/following", headers=alice.auth)
    assert r.json() == []
    r = await client.get(f"/api/v1/accounts/{carol.id}/following")
    assert [a["id"] for a in r.json()] == [bob.sid]


async def test_follow_backfills_home_feed(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    public = await post_status(client, bob, "public")
    private = await post_status(client, bob, "followers only", visibility="private")
    direct = await post_status(client, bob, "secret", visibility="direct")
    carols = await post_status(client, carol, "carol's")
    r = await client.post(f"/api/v1/statuses/{carols}/reblog", headers=bob.auth)
    assert r.status_code == 200, r.text
    reblog = str(r.json()["id"])

    await act(client, alice, bob, "follow")
    assert await feed(roost, alice) == {public, private, reblog}
    await act(client, alice, bob, "follow", reblogs="false")
    assert await feed(roost, alice) == {public, private}
    await act(client, alice, bob, "follow", reblogs="true")
    assert await feed(roost, alice) == {public, private, reblog}
    assert direct not in await feed(roost, alice)

    await act(client, alice, bob, "unfollow")
    assert await feed(roost, alice) == set()
    r = await client.get("/api/v1/timelines/home", headers=alice.auth)
    assert r.status_code == 200
    assert r.json() == []


async def test_backfill_takes_the_latest_forty(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    posted = [await post_status(client, bob, f"post {i}") for i in range(42)]
    assert await feed(roost, alice) == set()  # alice's feed exists (a rebuild takes all)
    await act(client, alice, bob, "follow")
    assert await feed(roost, alice) == set(posted[2:])
    r = await client.get("/api/v1/timelines/home", params={"limit": 5}, headers=alice.auth)
    assert [s["id"] for s in r.json()] == posted[::-1][:5]


async def test_block_and_mute_lists_page(
    client: httpx.AsyncClient, roost: Roost, alice: User, make_user: MakeUser
) -> None:
    others = [await make_user(f"other{i}") for i in range(3)]
    for other in others:
        await act(client, alice, other, "block")
        await act(client, alice, other, "mute")
    for path in ("blocks", "mutes"):
        r = await client.get(f"/api/v1/{path}", params={"limit": 2}, headers=alice.auth)
        assert [a["id"] for a in r.json()] == [others[2].sid, others[1].sid]
        r = await client.get(links(r)["next"], headers=alice.auth)
        assert [a["id"] for a in r.json()] == [others[0].sid]
    reader = await make_user("reader", scopes="read:accounts")
    for path in ("blocks", "mutes", "follow_requests"):
        assert (await client.get(f"/api/v1/{path}", headers=reader.auth)).status_code == 403
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(follows)) == 0
