"""A viewer's cached filters: each write (a filter added, changed, removed, in this process
or another) shows on the next page, and the pages after it cost no query; the text muted
words are searched in comes from the cached status core, not from the post's HTML."""

from __future__ import annotations

import httpx
import msgspec
import pytest

from roost.filters.queries import ViewerFilters, filters_key
from roost.instance import Roost
from roost.statuses import render as status_render
from roost.statuses import searchable
from roost.statuses.render import MARKER, status_key
from tests.api.test_statuses import post
from tests.conftest import User
from tests.filters.test_applying import by_id, follow, make_filter

HOME = "/api/v1/timelines/home"


async def filtered_ids(client: httpx.AsyncClient, user: User) -> dict[str, list[str]]:
    """Each post of the home page with the titles of the filters it matched."""
    found = await by_id(client, user, HOME)
    return {i: [r["filter"]["title"] for r in s["filtered"] or []] for i, s in found.items()}


async def queries_of(roost: Roost, filters: ViewerFilters, user: User) -> tuple[list[str], int]:
    """The viewer's filters' titles as `filters` has them, and the queries that took."""
    before = roost.db.query_count
    titles = [str(f.entity["title"]) for f in await filters.of(user.id)]
    return titles, roost.db.query_count - before


async def test_every_write_shows_on_the_next_page_then_costs_no_query(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    await follow(client, alice, bob)
    crypto = (await post(client, bob, "all about crypto"))["id"]
    birds = (await post(client, bob, "all about birds"))["id"]
    filters = roost.statuses.filters
    assert await filtered_ids(client, alice) == {crypto: [], birds: []}

    made = await make_filter(client, alice, "crypto", ["home"])  # added
    assert await filtered_ids(client, alice) == {crypto: ["no crypto"], birds: []}
    [marker] = await roost.cache.get_many([filters_key(alice.id)])
    assert marker is not None
    assert marker.startswith(MARKER)  # the write's own marker
    assert await queries_of(roost, filters, alice) == (["no crypto"], 0)  # read once

    [keyword] = made["keywords"]
    r = await client.put(
        f"/api/v2/filters/keywords/{keyword['id']}", data={"keyword": "birds"}, headers=alice.auth
    )  # changed
    assert r.status_code == 200, r.text
    [again] = await roost.cache.get_many([filters_key(alice.id)])
    assert again is not None
    assert again.startswith(MARKER)
    assert again != marker
    assert await filtered_ids(client, alice) == {crypto: [], birds: ["no crypto"]}
    assert await queries_of(roost, filters, alice) == (["no crypto"], 0)

    r = await client.delete(f"/api/v2/filters/{made['id']}", headers=alice.auth)  # removed
    assert r.status_code == 200, r.text
    assert await filtered_ids(client, alice) == {crypto: [], birds: []}
    assert await queries_of(roost, filters, alice) == ([], 0)


async def test_a_write_made_in_another_process_shows_on_the_next_page(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    other = ViewerFilters(roost.db, roost.cache)  # another process on the same cache
    assert await queries_of(roost, other, alice) == ([], 1)
    assert await queries_of(roost, other, alice) == ([], 0)
    made = await make_filter(client, alice, "crypto", ["home"])
    assert await queries_of(roost, other, alice) == (["no crypto"], 1)
    assert await queries_of(roost, other, alice) == (["no crypto"], 0)  # the same marker
    r = await client.put(
        f"/api/v2/filters/{made['id']}", data={"title": "renamed"}, headers=alice.auth
    )
    assert r.status_code == 200, r.text
    assert await queries_of(roost, other, alice) == (["renamed"], 1)  # a new marker
    # A marker that does not tell one write from another (an older process's) is never
    # trusted.
    await roost.cache.set_many({filters_key(alice.id): MARKER}, 10)
    assert await queries_of(roost, other, alice) == (["renamed"], 1)
    assert await queries_of(roost, other, alice) == (["renamed"], 1)
    # Once the markers are gone, a read fills the shared cache again.
    await roost.cache.clear()
    assert await queries_of(roost, ViewerFilters(roost.db, roost.cache), alice) == (["renamed"], 1)
    assert await queries_of(roost, other, alice) == (["renamed"], 0)


async def test_pages_with_filters_parse_no_html(
    client: httpx.AsyncClient,
    roost: Roost,
    alice: User,
    bob: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await follow(client, alice, bob)
    spoiler = (await post(client, bob, "the butler & the <maid>"))["id"]
    poll = await client.post(
        "/api/v1/statuses",
        json={"status": "Which?", "poll": {"options": ["tea", "coffee"], "expires_in": 3600}},
        headers=bob.auth,
    )
    polled = poll.json()["id"]
    plain = (await post(client, bob, "nothing to see"))["id"]
    await make_filter(client, alice, ["butler & the", "coffee"], ["home"])
    expected = {spoiler: ["no butler & the"], polled: ["no butler & the"], plain: []}
    assert await filtered_ids(client, alice) == expected  # the cores are cached now

    def refuse(html: str) -> str:
        raise AssertionError("a post's HTML parsed to apply filters")

    monkeypatch.setattr(searchable, "html_to_text", refuse)
    assert await filtered_ids(client, alice) == expected
    monkeypatch.undo()

    # A core cached before the text was kept in it: the text is made from it then.
    key = status_key(int(spoiler))
    [raw] = await roost.cache.get_many([key])
    assert raw is not None
    core = msgspec.json.decode(raw, type=status_render.Core)
    assert core.text == "\n\nthe butler & the <maid>"  # no content warning, then the text
    older = msgspec.json.encode(msgspec.structs.replace(core, text=None))
    await roost.cache.set_many({key: older}, 60)
    assert await filtered_ids(client, alice) == expected
