"""The home timeline is served with a fixed number of SQL queries, whatever its length."""

from __future__ import annotations

import httpx

from roost.instance import Roost
from tests.conftest import MakeUser


async def _count_home_queries(
    client: httpx.AsyncClient, roost: Roost, headers: dict[str, str], *, cold: bool
) -> tuple[int, int]:
    """Queries for one home page, with the rendered-status cache empty or warm."""
    await client.get("/api/v1/timelines/home?limit=20", headers=headers)  # warm everything
    if cold:
        await roost.cache.clear()
    before = roost.db.query_count
    r = await client.get("/api/v1/timelines/home?limit=20", headers=headers)
    assert r.status_code == 200
    return roost.db.query_count - before, len(r.json())


async def test_home_timeline_query_count_is_fixed(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    roost.tokens.ttl = 3600  # the auth lookup is cached; keep it out of what is counted
    reader = await make_user("reader")
    authors = [await make_user(f"author{i}") for i in range(4)]
    for author in authors:
        r = await client.post(f"/api/v1/accounts/{author.id}/follow", headers=reader.auth)
        assert r.status_code == 200, r.text
    first = await client.post("/api/v1/statuses", json={"status": "one"}, headers=authors[0].auth)
    small_cold, n_small = await _count_home_queries(client, roost, reader.auth, cold=True)
    small_warm, _ = await _count_home_queries(client, roost, reader.auth, cold=False)
    assert n_small == 1

    # A long, varied page: mentions, tags, replies, boosts, favourites and bookmarks.
    for i in range(30):
        author = authors[i % len(authors)]
        r = await client.post(
            "/api/v1/statuses",
            json={"status": f"post {i} @reader @author{(i + 1) % 4} #tag{i % 3} https://e.org/{i}"},
            headers=author.auth,
        )
        sid = r.json()["id"]
        if i % 5 == 0:
            await client.post(f"/api/v1/statuses/{sid}/favourite", headers=reader.auth)
            await client.post(f"/api/v1/statuses/{sid}/bookmark", headers=reader.auth)
        if i % 7 == 0:
            await client.post(
                f"/api/v1/statuses/{first.json()['id']}/reblog", headers=authors[(i + 1) % 4].auth
            )
    large_cold, n_large = await _count_home_queries(client, roost, reader.auth, cold=True)
    large_warm, _ = await _count_home_queries(client, roost, reader.auth, cold=False)
    assert n_large == 20
    assert large_cold == small_cold, f"cold: {small_cold} queries for 1 status, {large_cold} for 20"
    assert large_warm == small_warm, f"warm: {small_warm} queries for 1 status, {large_warm} for 20"
    # feed page, visibility merge, accounts, viewer flags (+ statuses, mentions, tags if cold)
    assert large_cold <= 7
    assert large_warm <= 4


async def test_a_changed_post_is_rebuilt_once_not_by_every_read(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    """A like invalidates the post's cached render; the next render (here the like's own
    answer) rebuilds it and puts it back in place of the invalidation's marker, so the
    reads after cost no status query (a post liked every second is not rebuilt by every
    reader until the marker expires)."""
    roost.tokens.ttl = 3600
    reader, author = await make_user("reader"), await make_user("author")
    await client.post(f"/api/v1/accounts/{author.id}/follow", headers=reader.auth)
    r = await client.post("/api/v1/statuses", json={"status": "liked"}, headers=author.auth)
    warm, _ = await _count_home_queries(client, roost, reader.auth, cold=False)
    r = await client.post(f"/api/v1/statuses/{r.json()['id']}/favourite", headers=reader.auth)
    assert r.status_code == 200, r.text
    before = roost.db.query_count
    await client.get("/api/v1/timelines/home?limit=20", headers=reader.auth)
    assert roost.db.query_count - before == warm
