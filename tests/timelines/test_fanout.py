"""Fan-out on write through jobs: recipients, inactive followers, big accounts merged at
read time, rebuilt feeds, deletes and live events."""

from __future__ import annotations

from datetime import timedelta

import httpx
import sqlalchemy as sa

from roost.accounts.tables import accounts, users
from roost.app import create_app
from roost.instance import Roost
from roost.jobs.tables import jobs
from roost.pubsub import decode_event
from roost.timeutil import utcnow
from tests.api.test_statuses import post
from tests.conftest import MakeUser, User, variant


async def home_ids(client: httpx.AsyncClient, user: User) -> list[str]:
    r = await client.get("/api/v1/timelines/home", headers=user.auth)
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


async def follow(client: httpx.AsyncClient, who: User, whom: User) -> None:
    r = await client.post(f"/api/v1/accounts/{whom.id}/follow", headers=who.auth)
    assert r.status_code == 200, r.text


async def test_posting_queues_one_job_not_one_per_follower(
    client: httpx.AsyncClient, roost: Roost, alice: User, make_user: MakeUser
) -> None:
    for i in range(5):
        await follow(client, await make_user(f"f{i}"), alice)
    roost.worker = None  # nothing to wake: the job stays in the table to look at
    r = await client.post("/api/v1/statuses", json={"status": "hi"}, headers=alice.auth)
    kinds = await roost.db.scalars(sa.select(jobs.c.kind))
    assert kinds == ["fan_out"]
    assert r.status_code == 200


async def test_followers_get_it_inactive_ones_later(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    await follow(client, bob, alice)
    await follow(client, carol, alice)
    assert await home_ids(client, bob) == []  # builds bob's feed
    assert await home_ids(client, carol) == []
    # Carol has not been around for two months: fan-out skips her.
    await roost.db.execute(
        users.update()
        .where(users.c.account_id == carol.id)
        .values(last_active_at=utcnow() - timedelta(days=60))
    )
    s = await post(client, alice, "hello")
    ids = await roost.feeds.page(carol.id, limit=10)
    assert ids is not None
    assert int(s["id"]) not in ids
    assert int(s["id"]) in (await roost.feeds.page(bob.id, limit=10) or [])
    # When she comes back, her feed is rebuilt and has it.
    await roost.feeds.drop(carol.id)
    assert await home_ids(client, carol) == [s["id"]]


async def test_flushed_feed_is_rebuilt_from_sql(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await follow(client, bob, alice)
    first = await post(client, alice, "one")
    await post(client, bob, "@alice a reply to someone else", visibility="direct")
    mine = await post(client, bob, "mine")
    before = await home_ids(client, bob)
    await roost.feeds.clear()  # Redis flushed / SQL feed lost
    assert await home_ids(client, bob) == before
    assert mine["id"] in before
    assert first["id"] in before


async def test_big_accounts_are_merged_at_read_time(roost: Roost, make_user: MakeUser) -> None:
    star, fan1, fan2, fan3 = [await make_user(n) for n in ("star", "fan1", "fan2", "fan3")]
    async with (
        variant(roost, fanout_threshold=2) as small,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(small.settings, small)),
            base_url="http://testserver",
        ) as c,
    ):
        assert small.worker is not None
        for fan in (fan1, fan2, fan3):
            await follow(c, fan, star)
            await small.worker.run_pending()
            assert await home_ids(c, fan) == []
        count = await roost.db.scalar(
            sa.select(accounts.c.followers_count).where(accounts.c.id == star.id)
        )
        assert count == 3
        s = await post(c, star, "to the masses")
        await small.worker.run_pending()
        # Not written to any follower's feed...
        assert int(s["id"]) not in (await small.feeds.page(fan1.id, limit=10) or [])
        # ...but in every follower's home timeline.
        for fan in (fan1, fan2, fan3):
            assert await home_ids(c, fan) == [s["id"]]


async def test_delete_leaves_feeds_and_tells_streams(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await follow(client, bob, alice)
    assert await home_ids(client, bob) == []
    sub = await roost.pubsub.subscribe([f"timeline:{bob.id}"])
    s = await post(client, alice, "soon gone")
    r = await client.delete(f"/api/v1/statuses/{s['id']}", headers=alice.auth)
    assert r.status_code == 200
    assert int(s["id"]) not in (await roost.feeds.page(bob.id, limit=10) or [])
    events = []
    async for _channel, message in sub:
        events.append(decode_event(message))
        if len(events) == 2:
            break
    await sub.close()
    assert [(e.event, e.id) for e in events] == [("update", s["id"]), ("delete", s["id"])]


async def test_mention_notification_is_published(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    sub = await roost.pubsub.subscribe([f"timeline:{bob.id}"])
    await post(client, alice, "@bob hey")
    async for _channel, message in sub:
        event = decode_event(message)
        break
    await sub.close()
    assert event.event == "notification"
    r = await client.get(f"/api/v1/notifications/{event.id}", headers=bob.auth)
    assert r.json()["type"] == "mention"


async def test_mute_takes_posts_out_of_the_feed_and_a_timed_one_puts_them_back(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await follow(client, bob, alice)
    assert await home_ids(client, bob) == []
    s = await post(client, alice, "muted soon")
    r = await client.post(
        f"/api/v1/accounts/{alice.id}/mute", data={"duration": "3600"}, headers=bob.auth
    )
    assert r.status_code == 200, r.text
    assert int(s["id"]) not in (await roost.feeds.page(bob.id, limit=10) or [])
    # The mute runs out (its merge job is due then): the posts come back.
    from roost.graph.tables import mutes

    past = utcnow() - timedelta(seconds=1)
    await roost.db.execute(mutes.update().values(expires_at=past))
    await roost.db.execute(jobs.update().where(jobs.c.kind == "feed.merge").values(run_at=past))
    assert roost.worker is not None
    assert await roost.worker.run_pending() == 1
    assert int(s["id"]) in (await roost.feeds.page(bob.id, limit=10) or [])
    assert await home_ids(client, bob) == [s["id"]]


async def test_pages_of_followers_skip_inactive_ones_and_go_on(
    roost: Roost, alice: User, make_user: MakeUser
) -> None:
    """Followers are read a page (`fanout_batch`) at a time; a page whose followers are all
    skipped must not end the fan-out, and only recipients hear the live update."""
    fans = [await make_user(f"fan{i}") for i in range(5)]
    async with (
        variant(roost, fanout_batch=2) as paged,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(paged.settings, paged)),
            base_url="http://testserver",
        ) as c,
    ):
        assert paged.worker is not None
        for fan in fans:
            await follow(c, fan, alice)
            await paged.worker.run_pending()
            assert await home_ids(c, fan) == []
        asleep = [fans[0], fans[1], fans[3]]  # the whole first page, and one more
        await roost.db.execute(
            users.update()
            .where(users.c.account_id.in_([f.id for f in asleep]))
            .values(last_active_at=utcnow() - timedelta(days=60))
        )
        sub = await paged.pubsub.subscribe([f"timeline:{f.id}" for f in fans])
        s = await post(c, alice, "page by page")
        await paged.worker.run_pending()
        for fan in fans:
            ids = await paged.feeds.page(fan.id, limit=10)
            assert (int(s["id"]) in (ids or [])) == (fan not in asleep), fan.username
        heard = []
        async for channel, message in sub:
            heard.append((channel, decode_event(message).id))
            if len(heard) == 2:
                break
        await sub.close()
        assert sorted(heard) == sorted((f"timeline:{f.id}", s["id"]) for f in (fans[2], fans[4]))


async def test_a_rebuild_bounded_by_each_authors_newest_posts_finds_the_same_entries(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, make_user: MakeUser
) -> None:
    """feed_entries_for bounds its read below by the authors' newest posts (a cutoff) when
    they have enough of them; replies that do not belong in the feed still drop out, and
    what it returns is what the unbounded read returns."""
    from roost.timelines.rebuild import feed_entries_for

    carol, dave = await make_user("carol"), await make_user("dave")
    await follow(client, alice, bob)
    await follow(client, alice, carol)
    posted = []
    for i in range(6):
        posted.append(int((await post(client, bob, f"bob {i}"))["id"]))
        posted.append(int((await post(client, carol, f"carol {i}"))["id"]))
    mine = int((await post(client, alice, "alice"))["id"])
    # The newest posts: replies to someone alice does not follow stay out of her feed.
    for i in range(4):
        await post(
            client, bob, f"@dave reply {i}", in_reply_to_id=(await post(client, dave, "d"))["id"]
        )
    everything = await feed_entries_for(roost.db, alice.id)  # fewer than 1,600: no cutoff
    assert [sid for sid, _ in everything] == [mine, *reversed(posted)]
    for limit in (1, 3, 5, 13):
        assert await feed_entries_for(roost.db, alice.id, limit=limit) == everything[:limit]
    assert (
        await feed_entries_for(roost.db, alice.id, authors=[carol.id], limit=2)
        == [(sid, carol.id) for sid in reversed(posted[1::2])][:2]
    )


async def test_the_push_and_the_rebuild_follow_one_home_rule(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    """Every case of the home rule (timelines.home_rule): what fan-out pushes is what a
    rebuilt feed holds."""
    alice, bob, carol = await make_user("alice"), await make_user("bob"), await make_user("carol")
    dave, eve = await make_user("dave"), await make_user("eve")
    for whom in (alice, carol):
        await follow(client, bob, whom)
    r = await client.post(
        f"/api/v1/accounts/{dave.id}/follow", json={"reblogs": False}, headers=bob.auth
    )
    assert r.status_code == 200, r.text
    assert await home_ids(client, bob) == []  # bob's feed is present: fan-out reaches it
    by_carol = await post(client, carol, "carol's")
    by_eve = await post(client, eve, "eve's")
    by_bob = await post(client, bob, "bob's")

    async def boost(user: User, status: dict[str, object]) -> str:
        r = await client.post(f"/api/v1/statuses/{status['id']}/reblog", headers=user.auth)
        assert r.status_code == 200, r.text
        return str(r.json()["id"])

    wanted = {
        by_carol["id"],
        by_bob["id"],
        (await post(client, alice, "plain"))["id"],
        (await post(client, alice, "@carol hi", in_reply_to_id=by_carol["id"]))["id"],
        (await post(client, alice, "@bob hi", in_reply_to_id=by_bob["id"]))["id"],
        (await post(client, alice, "@bob psst", visibility="direct"))["id"],
        await boost(alice, by_carol),
        (await post(client, dave, "dave's own"))["id"],
    }
    unwanted = {
        (await post(client, alice, "@eve hi", in_reply_to_id=by_eve["id"]))["id"],
        (await post(client, alice, "@carol psst", visibility="direct"))["id"],
        await boost(alice, by_bob),  # bob wrote the original
        await boost(dave, by_carol),  # bob turned dave's boosts off
    }
    pushed = set(await home_ids(client, bob))
    await roost.feeds.drop(bob.id)
    rebuilt = set(await home_ids(client, bob))
    assert pushed == wanted
    assert rebuilt == wanted
    assert not unwanted & rebuilt
