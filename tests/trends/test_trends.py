"""Trends: hashtags and posts counted by distinct people, decayed with age, reviewed
when the operator asks for it, and never showing what a viewer could not see."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from roost.instance import Roost
from roost.timeutil import utcnow
from roost.trends import queries as trends
from roost.trends.actions import do_review
from tests.api.test_graph import act
from tests.conftest import MakeUser, User, variant


async def post(client: httpx.AsyncClient, user: User, text: str, **extra: object) -> str:
    r = await client.post("/api/v1/statuses", json={"status": text, **extra}, headers=user.auth)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


async def trending(client: httpx.AsyncClient, what: str, user: User | None = None) -> list[str]:
    r = await client.get(f"/api/v1/trends/{what}", headers=user.auth if user else None)
    assert r.status_code == 200, r.text
    return [t["name"] if what == "tags" else t["id"] for t in r.json()]


async def test_thirty_people_beat_one_person_posting_three_hundred_times(
    client: httpx.AsyncClient, make_user: MakeUser, alice: User
) -> None:
    people = [await make_user(f"fan{n}") for n in range(30)]
    for person in people:
        await post(client, person, "Loving the #eclipse")
    for n in range(300):
        await post(client, alice, f"Buy my stuff #spamtag {n}")
    await post(client, people[0], "Also #spamtag")  # two people: it may trend, far behind
    r = await client.get("/api/v1/trends/tags")
    body = r.json()
    assert [t["name"] for t in body] == ["eclipse", "spamtag"]
    assert body[0]["history"][0]["accounts"] == "30"
    assert body[1]["history"][0]["uses"] == "301"
    assert await trending(client, "tags", alice) == ["eclipse", "spamtag"]
    old = await client.get("/api/v1/trends")
    assert [t["name"] for t in old.json()] == ["eclipse", "spamtag"]
    paged = await client.get("/api/v1/trends/tags?limit=1")
    assert [t["name"] for t in paged.json()] == ["eclipse"]
    assert "offset=1" in paged.headers["link"]


async def test_uses_lose_weight_with_age(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    people = [await make_user(f"p{n}") for n in range(4)]
    for person in people:
        await post(client, person, "#yesterday")
    ranked = await trends._score_tags(roost.db, utcnow())
    fresh = dict(ranked)
    later = dict(await trends._score_tags(roost.db, utcnow() + timedelta(hours=6)))
    (tag_id,) = fresh
    assert fresh[tag_id] == pytest.approx(4, rel=0.01)
    assert later[tag_id] == pytest.approx(2, rel=0.01)  # one half-life on
    assert await trends._score_tags(roost.db, utcnow() + timedelta(hours=49)) == []


async def test_posts_trend_by_distinct_people_and_hold_visibility(
    client: httpx.AsyncClient, make_user: MakeUser, alice: User, bob: User, carol: User
) -> None:
    hit = await post(client, alice, "A post people love")
    quiet = await post(client, alice, "A post one person likes")
    private = await post(client, alice, "Followers only", visibility="private")
    fans = [await make_user(f"fan{n}") for n in range(3)]
    for fan in fans:
        await act(client, fan, alice, "follow")
        for sid in (hit, private):
            await client.post(f"/api/v1/statuses/{sid}/favourite", headers=fan.auth)
    await client.post(f"/api/v1/statuses/{hit}/reblog", headers=bob.auth)
    await client.post(f"/api/v1/statuses/{hit}/favourite", headers=bob.auth)  # bob once
    await client.post(f"/api/v1/statuses/{quiet}/favourite", headers=bob.auth)
    await client.post(f"/api/v1/statuses/{hit}/favourite", headers=alice.auth)  # her own
    assert await trending(client, "statuses") == [hit]
    assert await trending(client, "statuses", carol) == [hit]
    await act(client, carol, alice, "block")
    assert await trending(client, "statuses", carol) == []


async def test_review_mode_holds_trends_back_until_approved(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, alice: User
) -> None:
    for n in range(3):
        await post(client, await make_user(f"r{n}"), "#reviewme and #rejectme")
    async with variant(roost, trends_review=True) as reviewed:
        assert await trends.trending_tags(reviewed.db, reviewed.cache, review=True, limit=10) == []
        pending = await trends.pending_review(reviewed.db, reviewed.cache, "tag")
        assert len(pending) == 2
        await do_review(reviewed.db, "tag", pending[0], True)
        await do_review(reviewed.db, "tag", pending[1], False)
        assert await trends.trending_tags(reviewed.db, reviewed.cache, review=True, limit=10) == [
            pending[0]
        ]
    # Without review, everything but the rejected trends.
    assert await trends.trending_tags(roost.db, roost.cache, review=False, limit=10) == [pending[0]]
