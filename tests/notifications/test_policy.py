"""The notification policy: each condition with each value (accept, filter, drop), the
v1 form, and filtered notifications kept out of lists and counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from roost.accounts.staff import do_set_role
from roost.accounts.tables import accounts
from roost.graph.tables import follows
from roost.instance import Roost
from roost.timeutil import utcnow
from tests.api.test_statuses import post
from tests.conftest import MakeUser, User
from tests.notifications.test_grouped import act, unread

POLICY = "/api/v2/notifications/policy"


async def set_policy(client: httpx.AsyncClient, user: User, **values: str) -> dict[str, Any]:
    r = await client.patch(POLICY, json=values, headers=user.auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def kinds(client: httpx.AsyncClient, user: User, **params: Any) -> list[tuple[str, str]]:
    """(type, sender's id) of the user's notifications, newest first."""
    r = await client.get("/api/v1/notifications", params=params, headers=user.auth)
    assert r.status_code == 200, r.text
    return [(n["type"], n["account"]["id"]) for n in r.json()]


async def age(roost: Roost, user: User, days: int) -> None:
    """Make the user's account `days` old."""
    then = utcnow() - timedelta(days=days)
    await roost.db.execute(
        accounts.update().where(accounts.c.id == user.id).values(created_at=then)
    )


async def follow(
    client: httpx.AsyncClient, roost: Roost, user: User, target: User, days: int = 0
) -> None:
    await act(client, user, f"/api/v1/accounts/{target.id}/follow")
    if days:
        then = utcnow() - timedelta(days=days)
        await roost.db.execute(
            follows.update()
            .where(follows.c.account_id == user.id, follows.c.target_account_id == target.id)
            .values(created_at=then)
        )


async def test_defaults_and_updates(client: httpx.AsyncClient, alice: User) -> None:
    r = await client.get(POLICY, headers=alice.auth)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "for_not_following": "accept",
        "for_not_followers": "accept",
        "for_new_accounts": "accept",
        "for_private_mentions": "filter",
        "for_limited_accounts": "filter",
        "summary": {"pending_requests_count": 0, "pending_notifications_count": 0},
    }
    body = await set_policy(client, alice, for_not_following="drop", for_new_accounts="filter")
    assert (body["for_not_following"], body["for_new_accounts"]) == ("drop", "filter")
    assert body["for_private_mentions"] == "filter"
    r = await client.patch(
        POLICY, data={"for_limited_accounts": "accept"}, headers=alice.auth
    )  # a form works too
    assert r.json()["for_limited_accounts"] == "accept"
    assert r.json()["for_not_following"] == "drop"

    r = await client.get("/api/v1/notifications/policy", headers=alice.auth)
    assert r.json() == {
        "filter_not_following": True,  # drop filters too
        "filter_not_followers": False,
        "filter_new_accounts": True,
        "filter_private_mentions": True,
        "summary": {"pending_requests_count": 0, "pending_notifications_count": 0},
    }
    r = await client.put(
        "/api/v1/notifications/policy",
        json={"filter_not_following": False, "filter_not_followers": True},
        headers=alice.auth,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["filter_not_following"], r.json()["filter_not_followers"]) == (False, True)
    r = await client.get(POLICY, headers=alice.auth)
    assert (r.json()["for_not_following"], r.json()["for_not_followers"]) == ("accept", "filter")


@pytest.mark.parametrize(
    "values", [{"for_not_following": "block"}, {"for_new_accounts": ""}, {"for_not_followers": 1}]
)
async def test_bad_values_are_refused_and_nothing_changes(
    client: httpx.AsyncClient, alice: User, values: dict[str, Any]
) -> None:
    r = await client.patch(POLICY, json=values, headers=alice.auth)
    assert r.status_code == 422, r.text
    assert "error" in r.json()
    r = await client.get(POLICY, headers=alice.auth)
    assert r.json()["for_not_following"] == "accept"
    assert r.json()["for_new_accounts"] == "accept"


async def test_policy_needs_a_token_with_the_scope(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    reader = await make_user("reader", scopes="read")
    assert (await client.get(POLICY)).status_code == 401
    r = await client.patch(POLICY, json={"for_not_following": "drop"}, headers=reader.auth)
    assert r.status_code == 403


OUTCOMES = ("accept", "filter", "drop")


@pytest.mark.parametrize("value", OUTCOMES)
async def test_not_following(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User, value: str
) -> None:
    await set_policy(client, alice, for_not_following=value)
    await follow(client, roost, alice, carol)
    status = await post(client, alice, "hello")
    for user in (bob, carol):
        await act(client, user, f"/api/v1/statuses/{status['id']}/favourite")
    shown = await kinds(client, alice)
    assert ("favourite", carol.sid) in shown  # followed: never held back
    assert (("favourite", bob.sid) in shown) == (value == "accept")
    everything = await kinds(client, alice, include_filtered="true")
    assert (("favourite", bob.sid) in everything) == (value != "drop")
    r = await client.get("/api/v1/notifications?include_filtered=true", headers=alice.auth)
    flags = {n["account"]["id"]: n.get("filtered") for n in r.json()}
    assert flags.get(carol.sid, "absent") is None  # said only of filtered ones
    assert flags.get(bob.sid) is (True if value == "filter" else None)


@pytest.mark.parametrize("value", OUTCOMES)
async def test_not_followers(
    client: httpx.AsyncClient,
    roost: Roost,
    make_user: MakeUser,
    alice: User,
    bob: User,
    carol: User,
    value: str,
) -> None:
    dave = await make_user("dave")
    await set_policy(client, alice, for_not_followers=value)
    await follow(client, roost, carol, alice)  # a follower of today: not yet one for this
    await follow(client, roost, dave, alice, days=4)
    status = await post(client, alice, "hello")
    for user in (bob, carol, dave):
        await act(client, user, f"/api/v1/statuses/{status['id']}/reblog")
    shown = await kinds(client, alice)
    assert ("reblog", dave.sid) in shown
    for user in (bob, carol):
        assert (("reblog", user.sid) in shown) == (value == "accept")
    everything = await kinds(client, alice, include_filtered="true")
    assert (("reblog", bob.sid) in everything) == (value != "drop")


@pytest.mark.parametrize("value", OUTCOMES)
async def test_new_accounts(
    client: httpx.AsyncClient,
    roost: Roost,
    make_user: MakeUser,
    alice: User,
    bob: User,
    carol: User,
    value: str,
) -> None:
    dave = await make_user("dave")
    await set_policy(client, alice, for_new_accounts=value)
    await age(roost, carol, 40)
    await follow(client, roost, alice, dave)  # new, but followed
    for user in (bob, carol, dave):
        await act(client, user, f"/api/v1/accounts/{alice.id}/follow")
    shown = await kinds(client, alice)
    assert ("follow", carol.sid) in shown
    assert ("follow", dave.sid) in shown
    assert (("follow", bob.sid) in shown) == (value == "accept")
    everything = await kinds(client, alice, include_filtered="true")
    assert (("follow", bob.sid) in everything) == (value != "drop")


@pytest.mark.parametrize("value", OUTCOMES)
async def test_private_mentions(
    client: httpx.AsyncClient,
    roost: Roost,
    make_user: MakeUser,
    alice: User,
    bob: User,
    carol: User,
    value: str,
) -> None:
    dave = await make_user("dave")
    await set_policy(client, alice, for_private_mentions=value)
    await follow(client, roost, alice, carol)
    mine = await post(client, alice, "@dave a secret", visibility="direct")
    answer = await post(
        client, dave, "@alice the answer", visibility="direct", in_reply_to_id=mine["id"]
    )
    public = await post(client, bob, "@alice in the open")
    private = await post(client, bob, "@alice psst", visibility="direct")
    followed = await post(client, carol, "@alice psst", visibility="direct")
    r = await client.get("/api/v1/notifications", headers=alice.auth)
    shown = {n["status"]["id"] for n in r.json()}
    assert {answer["id"], public["id"], followed["id"]} <= shown
    assert (private["id"] in shown) == (value == "accept")
    r = await client.get(
        "/api/v1/notifications", params={"include_filtered": "true"}, headers=alice.auth
    )
    assert (private["id"] in {n["status"]["id"] for n in r.json()}) == (value != "drop")


async def test_private_mentions_are_filtered_by_default_and_accepted_senders_pass(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    await post(client, bob, "@alice psst", visibility="direct")
    assert await kinds(client, alice) == []
    r = await client.get("/api/v1/notifications/requests", headers=alice.auth)
    (request,) = r.json()
    await act(client, alice, f"/api/v1/notifications/requests/{request['id']}/accept")
    assert await kinds(client, alice) == [("mention", bob.sid)]
    await post(client, bob, "@alice again", visibility="direct")  # accepted from now on
    assert await kinds(client, alice) == [("mention", bob.sid), ("mention", bob.sid)]


async def test_edits_of_posts_one_reblogged_are_never_filtered(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    await set_policy(client, alice, for_not_followers="drop")
    mine = await post(client, alice, "hello")
    await act(client, bob, f"/api/v1/statuses/{mine['id']}/favourite")  # not a follower
    theirs = await post(client, bob, "news")
    await act(client, alice, f"/api/v1/statuses/{theirs['id']}/reblog")
    r = await client.put(
        f"/api/v1/statuses/{theirs['id']}", json={"status": "news!"}, headers=bob.auth
    )
    assert r.status_code == 200, r.text
    assert [k for k, _ in await kinds(client, alice, include_filtered="true")] == ["update"]


async def test_filtered_notifications_are_out_of_lists_and_counts(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    await set_policy(client, alice, for_not_following="filter")
    await act(client, alice, f"/api/v1/accounts/{carol.id}/follow")
    status = await post(client, alice, "hello")
    for user in (bob, carol):
        await act(client, user, f"/api/v1/statuses/{status['id']}/favourite")
    await post(client, bob, "@alice hi")
    assert (await unread(client, alice, "v1"), await unread(client, alice)) == (1, 1)
    r = await client.get("/api/v2/notifications", headers=alice.auth)
    (group,) = r.json()["notification_groups"]
    assert (group["type"], group["notifications_count"]) == ("favourite", 1)
    assert group["sample_account_ids"] == [carol.sid]
    r = await client.get(
        "/api/v2/notifications", params={"include_filtered": "true"}, headers=alice.auth
    )
    found = [(g["type"], g["notifications_count"]) for g in r.json()["notification_groups"]]
    assert found == [("mention", 1), ("favourite", 2)]
    r = await client.get("/api/v1/notifications/policy", headers=alice.auth)
    assert r.json()["summary"] == {"pending_requests_count": 1, "pending_notifications_count": 1}


@pytest.mark.parametrize("role", ["moderator", "admin", None])
async def test_staff_are_never_held_back(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, role: str | None
) -> None:
    """As Mastodon: whoever holds a staff role (a moderator too) reaches everyone with a
    mention."""
    await do_set_role(roost.db, bob.id, role)
    await set_policy(client, alice, for_not_following="filter")
    await post(client, bob, "@alice hello from the staff")
    assert (("mention", bob.sid) in await kinds(client, alice)) == (role is not None)
