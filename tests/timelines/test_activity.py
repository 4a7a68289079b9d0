"""Someone back after a long absence: fan-out skipped their home and list feeds while they
were away, so their first request drops those feeds and the reads rebuild them with
everything posted meanwhile; a request keeps their last activity within the hour, with
one write an hour."""

from __future__ import annotations

from datetime import timedelta

import httpx
import sqlalchemy as sa

from roost.accounts.tables import users
from roost.instance import Roost
from roost.timeutil import utcnow
from tests.api.test_statuses import post
from tests.conftest import User
from tests.lists.test_list_feed import add, stored
from tests.lists.test_lists import new_list
from tests.timelines.test_fanout import follow, home_ids


async def away(roost: Roost, user: User, days: int) -> None:
    """As if `user` was last seen `days` ago (and no process remembers their token)."""
    await roost.db.execute(
        users.update()
        .where(users.c.account_id == user.id)
        .values(last_active_at=utcnow() - timedelta(days=days))
    )
    roost.tokens.clear()


async def last_seen(roost: Roost, user: User) -> timedelta:
    seen = await roost.db.scalar(
        sa.select(users.c.last_active_at).where(users.c.account_id == user.id)
    )
    ago: timedelta = utcnow() - seen
    return ago


async def test_back_after_two_months_home_and_lists_have_what_was_posted_meanwhile(
    client: httpx.AsyncClient, roost: Roost, alice: User, carol: User
) -> None:
    await follow(client, carol, alice)
    made = await new_list(client, carol)
    await add(client, carol, made, alice)
    assert await home_ids(client, carol) == []  # builds carol's home feed
    r = await client.get(f"/api/v1/timelines/list/{made['id']}", headers=carol.auth)
    assert r.json() == []  # and her list's
    await away(roost, carol, 60)
    s = await post(client, alice, "while carol was away")
    # Fan-out skipped her feeds: they are there, without the post.
    assert s["id"] not in [str(i) for i in await roost.feeds.page(carol.id, limit=10) or []]
    assert s["id"] not in (await stored(roost, made) or [])
    # Her first request notices she is back: the reads rebuild her feeds.
    assert await home_ids(client, carol) == [s["id"]]
    r = await client.get(f"/api/v1/timelines/list/{made['id']}", headers=carol.auth)
    assert [x["id"] for x in r.json()] == [s["id"]]
    assert await last_seen(roost, carol) < timedelta(minutes=1)
    # Back for good: the next post reaches her feeds by fan-out.
    t = await post(client, alice, "now that she is back")
    assert t["id"] in [str(i) for i in await roost.feeds.page(carol.id, limit=10) or []]
    assert t["id"] in (await stored(roost, made) or [])


async def test_activity_is_written_about_once_an_hour(
    client: httpx.AsyncClient, roost: Roost, bob: User
) -> None:
    await away(roost, bob, 0)  # seen just now: nothing to write
    await client.get("/api/v1/instance")  # the process's first request reads the IP blocks
    before = roost.db.query_count
    r = await client.get("/api/v1/accounts/verify_credentials", headers=bob.auth)
    assert r.status_code == 200
    quiet = roost.db.query_count - before
    await away(roost, bob, 1)  # a day ago: this request says they are here
    await home_ids(client, bob)
    assert await last_seen(roost, bob) < timedelta(minutes=1)
    roost.tokens.clear()
    before = roost.db.query_count
    await client.get("/api/v1/accounts/verify_credentials", headers=bob.auth)
    assert roost.db.query_count - before == quiet  # within the hour: no write again
