"""Lists: one's own, of accounts one follows; each list's timeline follows its replies
policy and visibility; unfollowing takes an account out; others' lists are not there."""

from __future__ import annotations

from typing import Any

import httpx

from roost.instance import Roost
from tests.conftest import MakeUser, User


async def follow(client: httpx.AsyncClient, who: User, whom: User) -> None:
    r = await client.post(f"/api/v1/accounts/{whom.id}/follow", headers=who.auth)
    assert r.status_code == 200, r.text


async def new_list(client: httpx.AsyncClient, owner: User, **body: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/lists", json={"title": "Friends", **body}, headers=owner.auth)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def post(client: httpx.AsyncClient, user: User, **body: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/statuses", json=body, headers=user.auth)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def test_make_rename_and_delete_a_list(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    made = await new_list(client, alice, replies_policy="followed")
    assert made == {"id": made["id"], "title": "Friends", "replies_policy": "followed",
                    "exclusive": False}  # fmt: skip
    path = f"/api/v1/lists/{made['id']}"
    r = await client.put(path, json={"title": "Close friends"}, headers=alice.auth)
    assert (r.json()["title"], r.json()["replies_policy"]) == ("Close friends", "followed")
    assert [x["id"] for x in (await client.get("/api/v1/lists", headers=alice.auth)).json()] == [
        made["id"]
    ]
    assert (await client.get(path, headers=bob.auth)).status_code == 404  # not theirs
    assert (await client.put(path, json={"title": "x"}, headers=bob.auth)).status_code == 404
    for bad in ({"title": " "}, {"title": "x" * 257}, {"replies_policy": "all"}):
        r = await client.post("/api/v1/lists", json={"title": "ok", **bad}, headers=alice.auth)
        assert r.status_code == 422, bad
    assert (await client.delete(path, headers=alice.auth)).json() == {}
    assert (await client.get(path, headers=alice.auth)).status_code == 404


async def test_members_are_accounts_one_follows(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    made = await new_list(client, alice)
    members = f"/api/v1/lists/{made['id']}/accounts"
    r = await client.post(members, json={"account_ids": [str(bob.id)]}, headers=alice.auth)
    assert r.status_code == 422  # not followed
    await follow(client, alice, bob)
    await follow(client, alice, carol)
    body = {"account_ids": [str(bob.id), str(carol.id)]}
    assert (await client.post(members, json=body, headers=alice.auth)).status_code == 200
    got = (await client.get(members, headers=alice.auth)).json()
    assert {a["username"] for a in got} == {"bob", "carol"}
    lists = (await client.get(f"/api/v1/accounts/{bob.id}/lists", headers=alice.auth)).json()
    assert [x["id"] for x in lists] == [made["id"]]
    # Unfollowing takes the account out; removing does too.
    await client.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.auth)
    got = (await client.get(members, headers=alice.auth)).json()
    assert [a["username"] for a in got] == ["carol"]
    r = await client.request(
        "DELETE", members, json={"account_ids": [str(carol.id)]}, headers=alice.auth
    )
    assert r.status_code == 200
    assert (await client.get(members, headers=alice.auth)).json() == []
    assert (await client.get(members, headers=bob.auth)).status_code == 404


async def test_the_list_timeline(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User, make_user: MakeUser
) -> None:
    dave = await make_user("dave")
    for who in (bob, carol, dave):
        await follow(client, alice, who)
    made = await new_list(client, alice)
    await client.post(
        f"/api/v1/lists/{made['id']}/accounts", json={"account_ids": [str(bob.id)]},
        headers=alice.auth,
    )  # fmt: skip
    own = await post(client, bob, status="bob's post")
    private = await post(client, bob, status="bob, followers only", visibility="private")
    await post(client, carol, status="carol is not in the list")
    to_carol = await post(client, bob, status="@carol replying", in_reply_to_id=(
        await post(client, carol, status="carol asks")
    )["id"])  # fmt: skip
    thread = await post(client, bob, status="bob again", in_reply_to_id=own["id"])
    path = f"/api/v1/timelines/list/{made['id']}"

    async def shown() -> list[str]:
        r = await client.get(path, headers=alice.auth)
        assert r.status_code == 200, r.text
        return [s["id"] for s in r.json()]

    # Policy "list": replies to members (and one's own threads), not to others.
    assert await shown() == [thread["id"], private["id"], own["id"]]
    await client.put(f"/api/v1/lists/{made['id']}", json={"replies_policy": "followed"},
                     headers=alice.auth)  # fmt: skip
    assert await shown() == [thread["id"], to_carol["id"], private["id"], own["id"]]
    await client.put(f"/api/v1/lists/{made['id']}", json={"replies_policy": "none"},
                     headers=alice.auth)  # fmt: skip
    assert await shown() == [thread["id"], private["id"], own["id"]]
    older = await client.get(f"{path}?max_id={private['id']}", headers=alice.auth)
    assert [s["id"] for s in older.json()] == [own["id"]]
    assert (await client.get(path, headers=bob.auth)).status_code == 404


async def test_an_exclusive_lists_members_leave_home_and_come_back(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    for who in (bob, carol):
        await client.post(f"/api/v1/accounts/{who.id}/follow", headers=alice.auth)
    before = await post(client, bob, status="Bob before the list")
    made = await new_list(client, alice, exclusive=True)
    assert made["exclusive"] is True
    members = f"/api/v1/lists/{made['id']}/accounts"
    await client.post(members, json={"account_ids": [str(bob.id)]}, headers=alice.auth)

    async def home() -> list[str]:
        r = await client.get("/api/v1/timelines/home", headers=alice.auth)
        return [s["content"] for s in r.json()]

    bobs = await post(client, bob, status="Bob in the list")
    await post(client, carol, status="Carol in home")
    shown = await home()
    assert not any("Bob" in c for c in shown)  # his older post left the feed too
    assert any("Carol in home" in c for c in shown)
    listed = await client.get(f"/api/v1/timelines/list/{made['id']}", headers=alice.auth)
    assert [s["id"] for s in listed.json()] == [bobs["id"], before["id"]]
    await roost.feeds.drop(alice.id)  # a rebuilt feed follows the same rule
    assert not any("Bob" in c for c in await home())
    await client.put(f"/api/v1/lists/{made['id']}", json={"exclusive": False}, headers=alice.auth)
    assert sum("Bob" in c for c in await home()) == 2
    await client.put(f"/api/v1/lists/{made['id']}", json={"exclusive": True}, headers=alice.auth)
    assert not any("Bob" in c for c in await home())
    await client.request("DELETE", members, json={"account_ids": [str(bob.id)]},
                         headers=alice.auth)  # fmt: skip
    assert sum("Bob" in c for c in await home()) == 2
