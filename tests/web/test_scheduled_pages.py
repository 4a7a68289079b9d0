"""Scheduled posts on the web: a time picked in the compose box (UTC), its errors, the
page that lists one's scheduled posts, and cancelling one."""

from __future__ import annotations

from datetime import timedelta

import httpx
import sqlalchemy as sa

from roost.instance import Roost
from roost.scheduled.tables import scheduled_statuses
from roost.statuses.tables import statuses
from roost.timeutil import utcnow
from tests.conftest import User
from tests.web.test_pages import assert_safe_page, csrf_of, sign_in


def local_input(seconds: float) -> str:
    """What a `datetime-local` input sends: minutes, no zone (Roost reads it as UTC)."""
    return (utcnow() + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M")


async def test_schedule_from_the_compose_box_list_and_cancel(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    token = await sign_in(client, alice)
    home = await client.get("/")
    assert 'type="datetime-local"' in home.text
    assert "Publish at (UTC)" in home.text
    assert 'href="/scheduled"' in home.text
    when = local_input(2 * 3600)
    r = await client.post(
        "/statuses",
        data={"csrf_token": token, "status": "Morning <news>", "scheduled_at": when,
              "visibility": "unlisted", "poll_option": ["Yes", "No", "", ""],
              "poll_expires_in": "3600"},
    )  # fmt: skip
    assert (r.status_code, r.headers["location"]) == (303, "/scheduled")
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(statuses)) == 0
    row = await roost.db.fetch_one(sa.select(scheduled_statuses))
    assert row is not None
    assert row.scheduled_at.strftime("%Y-%m-%dT%H:%M") == when
    assert row.params["visibility"] == "unlisted"
    assert row.params["poll"]["options"] == ["Yes", "No"]

    page = await client.get("/scheduled")
    assert page.status_code == 200
    assert_safe_page(page)
    assert "Morning &lt;news&gt;" in page.text
    assert "UTC" in page.text
    assert "Yes" in page.text
    assert f'action="/scheduled/{row.id}/cancel"' in page.text

    # Someone else can neither see nor cancel it.
    async with httpx.AsyncClient(transport=client._transport, base_url=client.base_url) as other:
        other_token = await sign_in(other, bob)
        assert "Morning" not in (await other.get("/scheduled")).text
        r = await other.post(f"/scheduled/{row.id}/cancel", data={"csrf_token": other_token})
        assert r.status_code == 404
    # Without the CSRF token nothing happens.
    r = await client.post(f"/scheduled/{row.id}/cancel", data={})
    assert r.status_code == 403
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(scheduled_statuses)) == 1

    r = await client.post(f"/scheduled/{row.id}/cancel", data={"csrf_token": csrf_of(page.text)})
    assert (r.status_code, r.headers["location"]) == (303, "/scheduled")
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(scheduled_statuses)) == 0
    empty = await client.get("/scheduled")
    assert "Nothing is scheduled" in empty.text


async def test_a_time_too_soon_or_malformed_keeps_what_was_typed(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    token = await sign_in(client, alice)
    for when in (local_input(60), local_input(-3600), "tomorrow"):
        r = await client.post(
            "/statuses", data={"csrf_token": token, "status": "Later", "scheduled_at": when}
        )
        assert r.status_code == 422, when
        assert "at least 5 minutes from now" in r.text
        assert f'value="{when}"' in r.text
        assert ">Later</textarea>" in r.text
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(scheduled_statuses)) == 0
    # Left empty: posted now.
    r = await client.post(
        "/statuses", data={"csrf_token": token, "status": "Now", "scheduled_at": ""}
    )
    assert r.status_code == 303
    assert await roost.db.scalar(sa.select(sa.func.count()).select_from(statuses)) == 1


async def test_the_page_needs_a_sign_in(client: httpx.AsyncClient) -> None:
    r = await client.get("/scheduled")
    assert r.status_code in (302, 303)
    assert "/login" in r.headers["location"]
