"""Filters cost the home timeline no query per status, and none at all once cached."""

from __future__ import annotations

import httpx

from roost.instance import Roost
from tests.conftest import MakeUser
from tests.timelines.test_query_count import _count_home_queries


async def test_home_with_filters_costs_the_same_queries(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    roost.tokens.ttl = 3600  # the auth lookup is cached; keep it out of what is counted
    reader = await make_user("reader")
    author = await make_user("author")
    await client.post(f"/api/v1/accounts/{author.id}/follow", headers=reader.auth)
    posted = []
    for i in range(20):
        text = f"post {i} " + ("about crypto" if i % 3 == 0 else "about birds #tag")
        r = await client.post("/api/v1/statuses", json={"status": text}, headers=author.auth)
        posted.append(r.json()["id"])
    cold, n = await _count_home_queries(client, roost, reader.auth, cold=True)
    warm, _ = await _count_home_queries(client, roost, reader.auth, cold=False)
    assert n == 20

    for title, words, action in (("a", ["crypto"], "hide"), ("b", ["birds"], "warn"),
                                 ("c", ["nothing", "else"], "warn")):  # fmt: skip
        r = await client.post(
            "/api/v2/filters",
            json={"title": title, "context": ["home"], "filter_action": action,
                  "keywords_attributes": [{"keyword": w} for w in words]},
            headers=reader.auth,
        )  # fmt: skip
        assert r.status_code == 200
    r = await client.post(
        f"/api/v2/filters/{r.json()['id']}/statuses",
        json={"status_id": posted[1]},
        headers=reader.auth,
    )
    assert r.status_code == 200
    r = await client.get("/api/v1/timelines/home?limit=20", headers=reader.auth)
    shown = r.json()
    assert len(shown) == 13  # the crypto posts are gone
    assert all(s["filtered"] for s in shown)
    # Seconds later: the writes' invalidation markers have expired.
    await roost.cache.clear()
    cold_filtered, _ = await _count_home_queries(client, roost, reader.auth, cold=True)
    warm_filtered, _ = await _count_home_queries(client, roost, reader.auth, cold=False)
    assert (cold_filtered, warm_filtered) == (cold, warm)


async def test_filters_are_read_once_then_cached(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    reader = await make_user("reader")
    filters = roost.statuses.filters
    before = roost.db.query_count
    assert await filters.of(reader.id) == []
    assert roost.db.query_count == before + 1
    assert await filters.of(reader.id) == []  # cached: "no filters" costs nothing
    await roost.cache.clear()
    assert await filters.of(reader.id) == []  # the process's own copy, for a few seconds
    assert roost.db.query_count == before + 1
    r = await client.post(
        "/api/v2/filters",
        json={"title": "t", "context": ["home"], "keywords_attributes": [{"keyword": "x"}]},
        headers=reader.auth,
    )
    assert r.status_code == 200
    [active] = await filters.of(reader.id)  # the write invalidated both copies
    assert active.pattern is not None
    assert active.pattern.search("an X here")
