"""Rendering a page leaves no reference cycles behind: a cycle keeps the whole page alive
until the cyclic GC runs, and that collection stalls every request the process serves
(a recursive closure in the renderer once cost home 20% of its throughput this way)."""

from __future__ import annotations

import gc
import types
from collections import Counter

import httpx

from roost.instance import Roost
from tests.conftest import User


async def test_rendering_a_page_with_polls_quotes_and_reblogs_makes_no_cycles(
    roost: Roost, client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    original = await client.post("/api/v1/statuses", json={"status": "Hot take"},
                                 headers=alice.auth)  # fmt: skip
    poll = {"options": ["yes", "no"], "expires_in": 3600}
    posts = [
        {"status": "Quoted", "quoted_status_id": original.json()["id"]},
        {"status": "Vote", "poll": poll},
        {"status": "Plain"},
    ]
    ids = [int(original.json()["id"])]
    for body in posts:
        r = await client.post("/api/v1/statuses", json=body, headers=alice.auth)
        assert r.status_code == 200, r.text
        ids.append(int(r.json()["id"]))
    r = await client.post(f"/api/v1/statuses/{ids[2]}/reblog", headers=bob.auth)
    ids.append(int(r.json()["id"]))
    for _ in range(2):  # the first pass fills the cache; the second reads it
        await roost.statuses.visible(bob.id, ids)
    gc.collect()
    gc.disable()
    try:
        rendered = await roost.statuses.visible(bob.id, ids)
        del rendered
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        # SQLAlchemy leaves a few small cycles of its own (bound parameters); none may
        # hold what the page is made of.
        kept = [o for o in gc.garbage if isinstance(o, types.CellType | types.FunctionType)
                or type(o).__module__.startswith("roost.")]  # fmt: skip
        assert not kept, Counter(type(o).__name__ for o in kept)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
