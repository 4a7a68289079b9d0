"""Full-text search of posts through /api/v2/search: words, phrases, exclusions and
operators, ranking, and nobody finding a post they could not open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from roost.instance import Roost
from roost.search import fulltext_queries
from roost.statuses.tables import statuses
from roost.timeutil import utcnow
from tests.api.test_graph import act
from tests.conftest import MakeUser, User


async def post(client: httpx.AsyncClient, user: User, text: str, **extra: Any) -> str:
    r = await client.post("/api/v1/statuses", json={"status": text, **extra}, headers=user.auth)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


async def found(client: httpx.AsyncClient, user: User | None, q: str, **params: Any) -> list[str]:
    r = await client.get(
        "/api/v2/search",
        params={"q": q, "type": "statuses", **params},
        headers=user.auth if user else None,
    )
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()["statuses"]]


async def test_words_phrases_and_exclusions(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    a = await post(client, bob, "The heron stood in the river at dawn")
    b = await post(client, bob, "A river of herons, and a kingfisher 🐦")
    c = await post(client, bob, "Nothing about birds here", spoiler_text="Heron spoilers")
    assert set(await found(client, alice, "heron")) == {a, b, c}  # herons by prefix
    assert set(await found(client, alice, "HERON river")) == {a, b}
    assert await found(client, alice, '"river at dawn"') == [a]
    assert await found(client, alice, '"dawn at river"') == []
    assert set(await found(client, alice, "heron -kingfisher")) == {a, c}
    assert await found(client, alice, 'heron -"stood in"') == [c, b]
    assert await found(client, alice, "héron") != []  # diacritics are folded
    assert await found(client, None, "kingfisher") == [b]  # signed out too
    assert await found(client, alice, "zzzz") == []


async def test_a_fresh_exact_match_ranks_above_an_old_partial_one(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    old = await post(client, bob, "Notes on cats and catalogues")
    fresh = await post(client, bob, "My cat is asleep")
    older = await post(client, bob, "An old post about a cat")
    long_ago = utcnow() - timedelta(days=300)
    async with roost.db.transaction() as tx:
        await tx.execute(
            statuses.update()
            .where(statuses.c.id.in_([int(old), int(older)]))
            .values(created_at=long_ago)
        )
    assert await found(client, alice, "cat") == [fresh, older, old]


async def test_operators(
    client: httpx.AsyncClient, make_user: MakeUser, alice: User, bob: User, carol: User
) -> None:
    root = await post(client, bob, "Gardening day one", language="en")
    reply = await post(client, carol, "Gardening tips in reply", in_reply_to_id=root)
    poll = await post(
        client, carol, "Gardening poll", poll={"options": ["yes", "no"], "expires_in": 3600}
    )
    link = await post(client, bob, "Gardening guide https://example.com/garden", language="fr")
    warned = await post(client, bob, "Gardening spoilers", sensitive=True)
    assert set(await found(client, alice, "from:bob gardening")) == {root, link, warned}
    assert set(await found(client, alice, "from:@carol")) == {reply, poll}
    assert await found(client, bob, "from:me -has:link -is:sensitive") == [root]
    assert await found(client, alice, "gardening is:reply") == [reply]
    assert await found(client, alice, "gardening has:poll") == [poll]
    assert await found(client, alice, "gardening has:link") == [link]
    assert await found(client, alice, "gardening has:media") == []
    assert await found(client, alice, "gardening is:sensitive") == [warned]
    assert await found(client, alice, "gardening language:fr") == [link]
    today = utcnow().date()
    assert len(await found(client, alice, f"gardening during:{today.isoformat()}")) == 5
    assert await found(client, alice, f"gardening before:{today.isoformat()}") == []
    assert await found(client, alice, f"gardening after:{(today - timedelta(days=1))}") != []
    assert await found(client, alice, "gardening", account_id=str(carol.id)) != []
    await act(client, alice, carol, "follow")
    assert set(await found(client, alice, "gardening", following="true")) == {reply, poll}
    for bad in ("has:pictures", "before:yesterday", "is:cute", "language:english"):
        r = await client.get("/api/v2/search", params={"q": bad, "type": "statuses"},
                             headers=alice.auth)  # fmt: skip
        assert r.status_code == 422, bad
        assert bad.split(":")[0] in r.json()["error"]


async def test_nobody_finds_what_they_could_not_open(
    client: httpx.AsyncClient, make_user: MakeUser, alice: User, bob: User, carol: User
) -> None:
    public = await post(client, bob, "Secret recipe public")
    private = await post(client, bob, "Secret recipe for followers", visibility="private")
    direct = await post(client, bob, "@carol Secret recipe direct", visibility="direct")
    unlisted = await post(client, bob, "Secret recipe unlisted", visibility="unlisted")
    assert await found(client, alice, "secret recipe") == [public]
    await act(client, alice, bob, "follow")
    # Followers-only and unlisted posts are found by those in them, not by strangers.
    assert await found(client, alice, "secret recipe") == [public]
    r = await client.post(f"/api/v1/statuses/{private}/bookmark", headers=alice.auth)
    assert r.status_code == 200
    assert set(await found(client, alice, "secret recipe")) == {public, private}
    assert set(await found(client, carol, "secret recipe")) == {public, direct}
    assert set(await found(client, bob, "secret recipe")) == {public, private, direct, unlisted}
    await act(client, carol, bob, "block")
    assert await found(client, carol, "secret recipe") == []
    await act(client, alice, bob, "mute")
    assert await found(client, alice, "secret recipe") == []
    dave = await make_user("dave")
    gone = await post(client, dave, "Secret recipe soon deleted")
    assert await found(client, None, "soon deleted") == [gone]
    await client.delete(f"/api/v1/statuses/{gone}", headers=dave.auth)
    assert await found(client, None, "soon deleted") == []


async def test_an_edit_is_searchable_at_once_and_opting_out_hides_public_posts(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    sid = await post(client, bob, "Typo in this pots")
    r = await client.put(f"/api/v1/statuses/{sid}", json={"status": "Fixed: this post"},
                         headers=bob.auth)  # fmt: skip
    assert r.status_code == 200, r.text
    assert await found(client, alice, "pots") == []
    assert await found(client, alice, "fixed") == [sid]
    r = await client.patch("/api/v1/accounts/update_credentials", data={"indexable": "false"},
                           headers=bob.auth)  # fmt: skip
    assert r.json()["indexable"] is False
    assert await found(client, alice, "fixed") == []
    assert await found(client, bob, "fixed") == [sid]  # one's own posts stay findable


async def test_hidden_best_matches_are_passed_over_and_pages_follow_on(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    # Checked for the viewer a page (and CHECK_SLACK more) at a time: with no slack, the
    # first check finds only bob's posts, which carol has muted, and the rest is checked.
    monkeypatch.setattr(fulltext_queries, "CHECK_SLACK", 0)
    first = await post(client, carol, "Kestrel over the field")
    second = await post(client, alice, "A kestrel again")
    for n in range(3):
        await post(client, bob, f"Kestrel number {n}")
    await act(client, carol, bob, "mute")
    assert await found(client, carol, "kestrel", limit="1") == [second]
    assert await found(client, carol, "kestrel", limit="1", offset="1") == [first]
    assert await found(client, carol, "kestrel", limit="1", offset="2") == []
    assert len(await found(client, alice, "kestrel")) == 5


async def test_an_old_match_is_found_past_the_newest_posts(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    old = await post(client, bob, "An osprey at the lake")
    for n in range(3):
        await post(client, bob, f"Nothing to see {n}")
    assert await found(client, alice, "osprey") == [old]
    assert await found(client, alice, "ospr") == [old]
