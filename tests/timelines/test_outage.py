"""A home timeline while the feed store is away (roost.outage): the same pages, from SQL."""

from __future__ import annotations

from typing import Any

import httpx

from roost.errors import Unavailable
from roost.instance import Roost
from roost.timelines import queries as tl
from tests.api.test_statuses import post
from tests.conftest import User


class AwayFeeds:
    """A feed store whose every call fails as a Redis outage makes it."""

    def __getattr__(self, name: str) -> Any:
        async def away(*args: Any, **kwargs: Any) -> None:
            raise Unavailable()

        return away


async def test_pages_from_sql_match_the_feed_stores(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    r = await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    assert r.status_code == 200
    assert await tl.home_timeline(roost.db, roost.feeds, bob.id, tl.Paging()) == ()
    ids = [int((await post(client, alice, f"post {n}"))["id"]) for n in range(9)]
    ids.reverse()
    pagings = [
        tl.Paging(limit=4),
        tl.Paging(max_id=ids[2], limit=3),
        tl.Paging(since_id=ids[5], limit=20),
        tl.Paging(min_id=ids[6], limit=2),
        tl.Paging(max_id=ids[0], since_id=ids[7], limit=20),
    ]
    for paging in pagings:
        stored = await tl.home_timeline(roost.db, roost.feeds, bob.id, paging)
        from_sql = await tl.home_timeline(roost.db, AwayFeeds(), bob.id, paging)
        assert stored, paging
        assert list(from_sql) == list(stored), paging
