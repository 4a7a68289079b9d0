"""Following hashtags: /api/v1/tags/{name}/follow and /unfollow, /api/v1/followed_tags, the
Tag entity's `following`, and followed tags' public posts in the home feed (fan-out,
rebuild, the merge on follow and the unmerge on unfollow)."""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa

from roost.app import create_app
from roost.instance import Roost
from roost.pubsub import decode_event
from roost.statuses.tables import tags
from roost.tags.tables import followed_tags
from tests.api.test_statuses import post
from tests.conftest import MakeUser, User, variant
from tests.timelines.test_fanout import follow, home_ids


async def tag_call(client: httpx.AsyncClient, user: User, name: str, verb: str) -> dict[str, Any]:
    r = await client.post(f"/api/v1/tags/{name}/{verb}", headers=user.auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_follow_and_unfollow_are_idempotent(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    await post(client, alice, "#Cats are great")
    tag = await tag_call(client, alice, "cats", "follow")
    assert tag["name"] == "Cats"
    assert tag["url"] == "http://testserver/tags/cats"
    assert tag["following"] is True
    assert tag["featuring"] is False
    assert len(tag["history"]) == 7
    assert tag["history"][0]["uses"] == "1"
    assert (await tag_call(client, alice, "CATS", "follow"))["following"] is True
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(followed_tags)) == 1
    r = await client.get("/api/v1/tags/cats", headers=alice.auth)
    assert r.json()["following"] is True
    assert "following" not in (await client.get("/api/v1/tags/cats")).json()

    assert (await tag_call(client, alice, "cats", "unfollow"))["following"] is False
    assert (await tag_call(client, alice, "cats", "unfollow"))["following"] is False
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(followed_tags)) == 0


async def test_following_a_tag_nobody_used_creates_it(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    tag = await tag_call(client, alice, "BrandNew", "follow")
    assert tag["name"] == "BrandNew"
    assert tag["id"] != ""
    assert tag["following"] is True
    assert [h["uses"] for h in tag["history"]] == ["0"] * 7
    assert await roost.db.scalar(sa.select(tags.c.name).where(tags.c.name_lower == "brandnew"))
    # Unfollowing one nobody used creates nothing.
    tag = await tag_call(client, alice, "neverheard", "unfollow")
    assert tag == {**tag, "id": "", "history": [], "following": False}
    assert (
        await roost.db.scalar(sa.select(tags.c.id).where(tags.c.name_lower == "neverheard")) is None
    )


async def test_bad_names_and_tokens(
    client: httpx.AsyncClient, roost: Roost, alice: User, make_user: MakeUser
) -> None:
    for bad in ("123", "no-dash", "x" * 201):
        r = await client.post(f"/api/v1/tags/{bad}/follow", headers=alice.auth)
        assert r.status_code == 404, bad
        assert "error" in r.json()
    r = await client.post("/api/v1/tags/cats/follow")
    assert r.status_code == 401
    reader = await make_user("reader", scopes="read")
    r = await client.post("/api/v1/tags/cats/follow", headers=reader.auth)
    assert r.status_code == 403
    assert (await client.get("/api/v1/followed_tags")).status_code == 401
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(followed_tags)) == 0
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(tags)) == 0


async def test_followed_tags_are_paged_with_links(client: httpx.AsyncClient, alice: User) -> None:
    names = [f"tag{c}" for c in "abcde"]
    for name in names:
        await tag_call(client, alice, name, "follow")
    r = await client.get("/api/v1/followed_tags", params={"limit": 2}, headers=alice.auth)
    assert r.status_code == 200
    assert [t["name"] for t in r.json()] == ["tage", "tagd"]
    assert all(t["following"] is True for t in r.json())
    seen = [t["name"] for t in r.json()]
    next_url = r.links["next"]["url"]
    while True:
        r = await client.get(next_url, headers=alice.auth)
        if not r.json():
            break
        seen += [t["name"] for t in r.json()]
        next_url = r.links["next"]["url"]
    assert seen == names[::-1]
    # The `prev` link of the second page leads back to the first.
    r = await client.get("/api/v1/followed_tags", params={"limit": 2}, headers=alice.auth)
    second = await client.get(r.links["next"]["url"], headers=alice.auth)
    back = await client.get(second.links["prev"]["url"], headers=alice.auth)
    assert [t["name"] for t in back.json()] == ["tage", "tagd"]
    r = await client.get("/api/v1/followed_tags", params={"limit": 500}, headers=alice.auth)
    assert r.status_code == 200  # capped at 200, as Mastodon


async def test_search_results_say_whether_the_viewer_follows(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    await post(client, bob, "#birds #birdwatching")
    await tag_call(client, alice, "birds", "follow")
    r = await client.get("/api/v2/search", params={"q": "bird"}, headers=alice.auth)
    following = {t["name"]: t["following"] for t in r.json()["hashtags"]}
    assert following == {"birds": True, "birdwatching": False}


async def test_followed_tag_posts_reach_home(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    assert await home_ids(client, alice) == []  # alice's feed exists: fan-out pushes
    await tag_call(client, alice, "cats", "follow")
    public = await post(client, bob, "#cats are public")
    unlisted = await post(client, bob, "#cats unlisted", visibility="unlisted")
    private = await post(client, bob, "#cats private", visibility="private")
    untagged = await post(client, bob, "no tag")
    reply = await post(client, carol, "a public reply #CATS", in_reply_to_id=untagged["id"])
    await post(client, alice, "my own #cats")
    boost = await client.post(f"/api/v1/statuses/{public['id']}/reblog", headers=carol.auth)
    assert boost.status_code == 200
    pushed = await roost.feeds.page(alice.id, limit=50)
    assert pushed is not None
    home = await home_ids(client, alice)
    # Mastodon delivers public posts only, not boosts, and replies too.
    assert reply["id"] in home
    assert public["id"] in home
    for absent in (unlisted, private, untagged, boost.json()):
        assert absent["id"] not in home
    assert len(home) == len(set(home)) == 3  # and alice's own post
    # A rebuilt feed is the pushed one.
    await roost.feeds.drop(alice.id)
    assert await home_ids(client, alice) == home
    assert await roost.feeds.page(alice.id, limit=50) == pushed


async def test_blocked_and_muted_authors_do_not_reach_home(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User,
    make_user: MakeUser,
) -> None:  # fmt: skip
    dave = await make_user("dave")
    assert await home_ids(client, alice) == []
    await tag_call(client, alice, "cats", "follow")
    assert (await client.post(f"/api/v1/accounts/{bob.id}/block", headers=alice.auth)).is_success
    assert (await client.post(f"/api/v1/accounts/{carol.id}/mute", headers=alice.auth)).is_success
    r = await client.post(f"/api/v1/accounts/{alice.id}/block", headers=dave.auth)
    assert r.is_success
    await post(client, bob, "#cats from a blocked author")
    await post(client, carol, "#cats from a muted author")
    await post(client, dave, "#cats from someone blocking alice")
    eve, frank = await make_user("eve"), await make_user("frank")
    assert await home_ids(client, frank) == []
    await tag_call(client, frank, "cats", "follow")
    mentioning = await post(client, eve, "#cats with @carol, whom alice muted")
    ok = await post(client, eve, "#cats fine")
    assert await roost.feeds.page(alice.id, limit=50) == [int(ok["id"])]
    # Frank muted nobody: he gets the post mentioning carol.
    assert int(mentioning["id"]) in (await roost.feeds.page(frank.id, limit=50) or [])
    assert await home_ids(client, alice) == [ok["id"]]
    await roost.feeds.drop(alice.id)
    assert await home_ids(client, alice) == [ok["id"]]


async def test_followed_author_with_followed_tag_is_not_doubled(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await follow(client, alice, bob)
    assert await home_ids(client, alice) == []
    await tag_call(client, alice, "cats", "follow")
    s = await post(client, bob, "#cats from someone alice follows")
    assert await home_ids(client, alice) == [s["id"]]
    # Unfollowing the tag leaves what alice gets as bob's follower.
    await tag_call(client, alice, "cats", "unfollow")
    assert await home_ids(client, alice) == [s["id"]]


async def test_follow_merges_and_unfollow_takes_out(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    assert await home_ids(client, alice) == []
    old = await post(client, bob, "#cats before alice followed")
    both = await post(client, carol, "#cats and #dogs")
    await tag_call(client, alice, "cats", "follow")
    await tag_call(client, alice, "dogs", "follow")
    assert await home_ids(client, alice) == [both["id"], old["id"]]
    await tag_call(client, alice, "cats", "unfollow")
    # The post that also carries #dogs stays; the other goes, as a rebuild would have it.
    assert await home_ids(client, alice) == [both["id"]]
    await roost.feeds.drop(alice.id)
    assert await home_ids(client, alice) == [both["id"]]


async def test_tag_followers_hear_of_new_and_edited_posts_live(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await tag_call(client, alice, "cats", "follow")
    sub = await roost.pubsub.subscribe([f"timeline:{alice.id}"])
    s = await post(client, bob, "#cats live")
    r = await client.put(
        f"/api/v1/statuses/{s['id']}", json={"status": "#cats live, edited"}, headers=bob.auth
    )
    assert r.status_code == 200
    events = []
    async for _channel, message in sub:
        events.append(decode_event(message))
        if len(events) == 2:
            break
    await sub.close()
    assert [(e.event, e.id) for e in events] == [("update", s["id"]), ("status.update", s["id"])]


async def test_tags_of_a_big_account_are_read_once(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    """Followers of an account too big to fan out read its posts at read time: the tag
    they follow does not put the post in their feed too (it would show twice)."""
    async with variant(roost, fanout_threshold=0) as small:
        worker = small.worker
        assert worker is not None
        app = create_app(small.settings, small)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            await follow(c, alice, bob)
            await follow(c, carol, bob)  # bob now has followers above the threshold
            assert await home_ids(c, alice) == []
            await tag_call(c, alice, "cats", "follow")
            await tag_call(c, carol, "dogs", "follow")
            await worker.run_pending()  # the follows' merges, before the post
            s = await post(c, bob, "#cats #dogs from a big account")
            # A reply to someone alice does not follow: not hers as a follower, but read
            # at read time all the same.
            stranger = await post(c, carol, "a stranger's post")
            reply = await post(c, bob, "#cats a reply", in_reply_to_id=stranger["id"])
            await worker.run_pending()
            assert await small.feeds.page(alice.id, limit=10) == []
            assert await home_ids(c, alice) == [reply["id"], s["id"]]
            await small.feeds.drop(alice.id)
            assert await home_ids(c, alice) == [reply["id"], s["id"]]


async def test_tag_followers_are_found_page_by_page(
    roost: Roost, alice: User, make_user: MakeUser
) -> None:
    """A post's tags' followers come a batch at a time (by account id, each once), however
    their follows of its several tags interleave."""
    async with variant(roost, fanout_batch=2) as paged:
        worker = paged.worker
        assert worker is not None
        app = create_app(paged.settings, paged)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            fans = [await make_user(f"fan{i}") for i in range(7)]
            for i, fan in enumerate(fans):
                assert await home_ids(c, fan) == []
                for name in ("cats", "dogs", "birds")[: 1 + i % 3]:
                    await tag_call(c, fan, name if i % 2 else name.upper(), "follow")
            await worker.run_pending()
            s = await post(c, alice, "#birds #dogs #cats")
            await worker.run_pending()
            for fan in fans:
                assert await paged.feeds.page(fan.id, limit=5) == [int(s["id"])], fan.username
