"""Finding and keeping people through the API: endorsements, private notes, followers one
knows, the directory, follow suggestions and blocked domains."""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa

from roost.graph.tables import account_domain_blocks, account_notes, account_pins
from roost.instance import Roost
from tests.api.test_graph import act
from tests.conftest import MakeUser, User


async def get(client: httpx.AsyncClient, path: str, user: User | None = None) -> Any:
    r = await client.get(path, headers=user.auth if user else {})
    assert r.status_code == 200, r.text
    return r.json()


async def settle(client: httpx.AsyncClient, user: User, **changes: str) -> None:
    r = await client.patch("/api/v1/accounts/update_credentials", data=changes, headers=user.auth)
    assert r.status_code == 200, r.text


async def count(roost: Roost, table: sa.Table) -> int:
    return int(await roost.db.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


async def test_endorse_only_whom_one_follows_and_unfollowing_unfeatures(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    r = await client.post(f"/api/v1/accounts/{bob.id}/endorse", headers=alice.auth)
    assert r.status_code == 422
    assert "following" in r.json()["error"]
    assert await count(roost, account_pins) == 0
    await act(client, alice, bob, "follow")
    await act(client, alice, carol, "follow")
    rel = await act(client, alice, bob, "endorse")
    assert rel["endorsed"] is True
    assert rel["following"] is True
    assert (await act(client, alice, carol, "pin"))["endorsed"] is True  # the older name
    again = await act(client, alice, bob, "endorse")
    assert again["endorsed"] is True
    assert await count(roost, account_pins) == 2
    mine = await get(client, "/api/v1/endorsements", alice)
    assert [a["id"] for a in mine] == [carol.sid, bob.sid]
    public = await get(client, f"/api/v1/accounts/{alice.id}/endorsements")
    assert [a["id"] for a in public] == [carol.sid, bob.sid]
    paged = await client.get("/api/v1/endorsements?limit=1", headers=alice.auth)
    assert [a["id"] for a in paged.json()] == [carol.sid]
    assert 'rel="next"' in paged.headers["link"]
    assert (await act(client, alice, carol, "unendorse"))["endorsed"] is False
    await act(client, alice, bob, "unfollow")
    assert await get(client, "/api/v1/endorsements", alice) == []
    assert await count(roost, account_pins) == 0
    rels = await get(client, f"/api/v1/accounts/relationships?id[]={bob.id}", alice)
    assert rels[0]["endorsed"] is False
    missing = await client.post("/api/v1/accounts/12345/endorse", headers=alice.auth)
    assert missing.status_code == 404
    r = await client.get("/api/v1/accounts/12345/endorsements")
    assert r.status_code == 404


async def test_a_private_note_is_seen_by_its_writer_only(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    rel = await act(client, alice, bob, "note", comment="Met at the conference 🎤")
    assert rel["note"] == "Met at the conference 🎤"
    rel = await act(client, alice, bob, "note", comment="Met at the meetup")
    assert rel["note"] == "Met at the meetup"
    assert await count(roost, account_notes) == 1
    theirs = await get(client, f"/api/v1/accounts/relationships?id[]={bob.id}", carol)
    assert theirs[0]["note"] == ""
    r = await client.post(
        f"/api/v1/accounts/{bob.id}/note", data={"comment": "x" * 2001}, headers=alice.auth
    )
    assert r.status_code == 422
    assert "2000" in r.json()["error"]
    mine = await get(client, f"/api/v1/accounts/relationships?id[]={bob.id}", alice)
    assert mine[0]["note"] == "Met at the meetup"  # the refused note changed nothing
    assert (await act(client, alice, bob, "note", comment=""))["note"] == ""
    assert await count(roost, account_notes) == 0


async def test_familiar_followers_are_those_one_follows(
    client: httpx.AsyncClient, make_user: MakeUser, alice: User, bob: User, carol: User
) -> None:
    dave = await make_user("dave")
    hidden = await make_user("hidden")
    await settle(client, hidden, hide_collections="true")
    for follower in (bob, carol):
        await act(client, follower, dave, "follow")
        await act(client, follower, hidden, "follow")
    await act(client, alice, bob, "follow")  # alice follows bob, not carol
    url = f"/api/v1/accounts/familiar_followers?id[]={dave.id}&id[]={hidden.id}"
    found = await get(client, url, alice)
    assert found == [
        {"id": dave.sid, "accounts": [found[0]["accounts"][0]]},
        {"id": hidden.sid, "accounts": []},
    ]
    assert found[0]["accounts"][0]["id"] == bob.sid
    # Mastodon.py sends this GET's ids as a JSON body, which Rails reads.
    r = await client.request(
        "GET", "/api/v1/accounts/familiar_followers", json={"id": [dave.sid]}, headers=alice.auth
    )
    assert [f["id"] for f in r.json()] == [dave.sid]
    r = await client.get(url)
    assert r.status_code == 401


async def test_directory_lists_discoverable_accounts(
    client: httpx.AsyncClient, make_user: MakeUser, alice: User, bob: User
) -> None:
    shy = await make_user("shy")
    await settle(client, shy, discoverable="false")
    await client.post("/api/v1/statuses", json={"status": "hi"}, headers=bob.auth)
    active = [a["username"] for a in await get(client, "/api/v1/directory")]
    assert active[0] == "bob"
    assert "alice" in active
    assert shy.username not in active
    new = [a["username"] for a in await get(client, "/api/v1/directory?order=new&limit=1")]
    assert new == ["bob"]  # shy is newer, and not listed
    await act(client, alice, bob, "block")
    seen = [a["username"] for a in await get(client, "/api/v1/directory", alice)]
    assert "bob" not in seen
    r = await client.get("/api/v1/directory?order=best")
    assert r.status_code == 422


async def test_suggestions_put_friends_of_friends_first_and_stay_dismissed(
    client: httpx.AsyncClient, make_user: MakeUser, alice: User, bob: User, carol: User
) -> None:
    dave, erin, star = [await make_user(n) for n in ("dave", "erin", "star")]
    for fan in (bob, carol, dave):
        await act(client, fan, star, "follow")  # star is the most followed
    await act(client, alice, bob, "follow")
    await act(client, alice, carol, "follow")
    await act(client, bob, erin, "follow")
    await act(client, carol, erin, "follow")
    await act(client, bob, dave, "follow")
    found = await get(client, "/api/v2/suggestions", alice)
    names = [s["account"]["username"] for s in found]
    # erin and star are followed by two of alice's, dave by one; nobody she follows
    assert names[:3] == ["star", "erin", "dave"] or names[:3] == ["erin", "star", "dave"]
    assert "bob" not in names
    assert "carol" not in names
    assert "alice" not in names
    assert found[0]["sources"] == ["friends_of_friends"]
    assert found[0]["source"] == "past_interactions"
    v1 = await get(client, "/api/v1/suggestions?limit=2", alice)
    assert [a["username"] for a in v1] == names[:2]
    r = await client.delete(f"/api/v1/suggestions/{erin.id}", headers=alice.auth)
    assert r.status_code == 200
    assert r.json() == {}
    await act(client, alice, star, "block")
    after = [s["account"]["username"] for s in await get(client, "/api/v2/suggestions", alice)]
    assert "erin" not in after
    assert "star" not in after
    assert "dave" in after
    # With nobody followed, the most followed are suggested.
    fresh = await make_user("fresh")
    first = (await get(client, "/api/v2/suggestions", fresh))[0]
    assert first["account"]["username"] == "star"
    assert first["sources"] == ["most_followed"]
    assert first["source"] == "global"
    r = await client.delete("/api/v1/suggestions/12345", headers=alice.auth)
    assert r.status_code == 404


async def test_domain_blocks_are_kept_listed_and_lifted(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    for domain in ("spam.example", "HTTPS://Noise.Example/path", "spam.example"):
        r = await client.post("/api/v1/domain_blocks", data={"domain": domain}, headers=alice.auth)
        assert r.status_code == 200, r.text
        assert r.json() == {}
    assert await get(client, "/api/v1/domain_blocks", alice) == ["noise.example", "spam.example"]
    assert await get(client, "/api/v1/domain_blocks", bob) == []
    page = await client.get("/api/v1/domain_blocks?limit=1", headers=alice.auth)
    assert page.json() == ["noise.example"]
    assert 'rel="next"' in page.headers["link"]
    for bad in ("", "not a domain", "localhost", roost.settings.domain):
        r = await client.post("/api/v1/domain_blocks", data={"domain": bad}, headers=alice.auth)
        assert r.status_code == 422, (bad, r.text)
    assert await count(roost, account_domain_blocks) == 2
    r = await client.request(
        "DELETE", "/api/v1/domain_blocks", params={"domain": "spam.example"}, headers=alice.auth
    )
    assert r.status_code == 200
    assert await get(client, "/api/v1/domain_blocks", alice) == ["noise.example"]
    rel = await get(client, f"/api/v1/accounts/relationships?id[]={bob.id}", alice)
    assert rel[0]["domain_blocking"] is False  # local accounts have no domain to block
