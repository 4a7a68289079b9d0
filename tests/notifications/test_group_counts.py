"""`notification_groups`, the row per group that a page of groups reads instead of the
group's notifications: true after every write that touches grouped notifications, and
giving the pages that reading every notification gives."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from roost.instance import Roost
from roost.notifications import group_queries
from roost.notifications.actions import forget_account
from roost.notifications.tables import notification_groups, notifications
from tests.api.test_statuses import post
from tests.conftest import MakeUser, User
from tests.notifications.test_grouped import V2, act, link_header, unread

_n, _g = notifications, notification_groups


async def assert_rows_true(roost: Roost) -> int:
    """The table holds exactly what the notifications say; returns its row count."""
    truth = await roost.db.fetch_all(
        sa.select(
            _n.c.account_id, _n.c.group_key, sa.func.count(), sa.func.max(_n.c.id),
            sa.func.min(_n.c.id),
        )
        .where(_n.c.group_key.is_not(None), _n.c.filtered.is_(False))
        .group_by(_n.c.account_id, _n.c.group_key)
    )  # fmt: skip
    kept = await roost.db.fetch_all(
        sa.select(
            _g.c.account_id, _g.c.group_key, _g.c.notifications_count, _g.c.latest_id,
            _g.c.first_id,
        )
    )  # fmt: skip
    assert sorted(tuple(r) for r in kept) == sorted(tuple(r) for r in truth)
    return len(kept)


async def test_group_rows_stay_true_through_every_write(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User,
    make_user: MakeUser,
) -> None:  # fmt: skip
    dave, stranger = await make_user("dave"), await make_user("stranger")
    first = await post(client, alice, "first")
    second = await post(client, alice, "second")
    for user in (bob, carol, dave):
        await act(client, user, f"/api/v1/statuses/{first['id']}/favourite")
        await act(client, user, f"/api/v1/statuses/{first['id']}/reblog")
        await act(client, user, f"/api/v1/accounts/{alice.id}/follow")
    await act(client, bob, f"/api/v1/statuses/{second['id']}/favourite")
    await post(client, dave, "@alice a mention, in no group")
    assert await assert_rows_true(roost) == 4

    # Undone: the newest like, then the oldest; a reblog; a follow.
    await act(client, dave, f"/api/v1/statuses/{first['id']}/unfavourite")
    await act(client, bob, f"/api/v1/statuses/{first['id']}/unfavourite")
    await act(client, carol, f"/api/v1/statuses/{first['id']}/unreblog")
    await act(client, bob, f"/api/v1/accounts/{alice.id}/unfollow")
    assert await assert_rows_true(roost) == 4

    # Dismissed: one notification (v1), then a whole group (v2).
    body = (await client.get(V2, headers=alice.auth)).json()
    by_type = {g["type"]: g for g in body["notification_groups"]}
    one = by_type["reblog"]["most_recent_notification_id"]
    r = await client.post(f"/api/v1/notifications/{one}/dismiss", headers=alice.auth)
    assert r.status_code == 200, r.text
    r = await client.post(f"{V2}/{by_type['follow']['group_key']}/dismiss", headers=alice.auth)
    assert r.status_code == 200, r.text
    assert await assert_rows_true(roost) == 3  # the likes of each post, a reblog left

    # A deleted post takes its groups with it.
    r = await client.delete(f"/api/v1/statuses/{second['id']}", headers=alice.auth)
    assert r.status_code == 200, r.text
    assert await assert_rows_true(roost) == 2

    # A stranger's likes are held back by the policy, then let in with their request.
    r = await client.patch(
        "/api/v2/notifications/policy", json={"for_not_following": "filter"}, headers=alice.auth
    )
    assert r.status_code == 200, r.text
    third = await post(client, alice, "third")
    await act(client, stranger, f"/api/v1/statuses/{first['id']}/favourite")
    await act(client, stranger, f"/api/v1/statuses/{third['id']}/favourite")
    await post(client, stranger, "@alice hello from a stranger")
    assert await assert_rows_true(roost) == 2
    (request,) = (await client.get("/api/v1/notifications/requests", headers=alice.auth)).json()
    await act(client, alice, f"/api/v1/notifications/requests/{request['id']}/accept")
    assert await assert_rows_true(roost) == 3
    body = (await client.get(V2, headers=alice.auth)).json()
    counts = {
        (g["type"], g["status_id"]): g["notifications_count"] for g in body["notification_groups"]
    }
    assert counts["favourite", first["id"]] == 2  # carol's like and the stranger's
    assert counts["favourite", third["id"]] == 1

    # Clearing every notification clears the groups.
    r = await client.post("/api/v1/notifications/clear", headers=alice.auth)
    assert r.status_code == 200, r.text
    assert await assert_rows_true(roost) == 0
    assert await unread(client, alice) == 0


async def _walk(client: httpx.AsyncClient, user: User, limit: int) -> list[Any]:
    """Every page down, then the newest page paged up from its end: what each gave."""
    pages: list[Any] = []
    url: str | None = f"{V2}?limit={limit}"
    while url is not None:
        r = await client.get(url, headers=user.auth)
        assert r.status_code == 200, r.text
        groups = r.json()["notification_groups"]
        pages.append(
            [
                (g["group_key"], g["notifications_count"], g["sample_account_ids"],
                 g["most_recent_notification_id"], g["page_min_id"], g["page_max_id"])
                for g in groups
            ]
        )  # fmt: skip
        url = link_header(r).get("next") if groups and "Link" in r.headers else None
    pages.append(await unread(client, user))
    pages.append(await unread(client, user, types=["favourite"]))
    return pages


@pytest.mark.parametrize("limit", [1, 2, 5])
async def test_pages_read_by_group_rows_are_those_read_from_every_notification(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, alice: User,
    make_user: MakeUser, limit: int,
) -> None:  # fmt: skip
    liked = await post(client, alice, "liked by many")
    other = await post(client, alice, "liked by some")
    fans = [await make_user(f"fan{i}") for i in range(9)]
    for i, fan in enumerate(fans):  # a group spanning pages, others between its likes
        await act(client, fan, f"/api/v1/statuses/{liked['id']}/favourite")
        if i % 3 == 0:
            await post(client, fan, f"@alice mention {i}")
        if i % 4 == 1:
            await act(client, fan, f"/api/v1/statuses/{other['id']}/favourite")
        if i % 5 == 2:
            await act(client, fan, f"/api/v1/accounts/{alice.id}/follow")

    by_rows = await _walk(client, alice, limit)
    monkeypatch.setattr(group_queries, "_by_summary", lambda flt: False)
    by_notifications = await _walk(client, alice, limit)
    assert by_rows == by_notifications
    assert sum(len(p) for p in by_rows[:-2]) > 5  # the likes' group is on several pages


async def test_a_deleted_accounts_notifications_leave_the_groups_they_were_in(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    status = await post(client, alice, "liked")
    for user in (bob, carol):
        await act(client, user, f"/api/v1/statuses/{status['id']}/favourite")
        await act(client, user, f"/api/v1/accounts/{alice.id}/follow")
    await act(client, alice, f"/api/v1/accounts/{bob.id}/follow")
    async with roost.db.transaction() as tx:
        await forget_account(tx, bob.id)
    assert await assert_rows_true(roost) == 2  # alice's likes and follows, carol's each
    body = (await client.get(V2, headers=alice.auth)).json()
    assert {g["notifications_count"] for g in body["notification_groups"]} == {1}
