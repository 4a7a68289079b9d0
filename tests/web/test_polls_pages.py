"""Polls on the web: a poll from the compose box (and its errors), a ballot for those
who may vote, results as bars for the others, and the "poll ended" notification."""

from __future__ import annotations

import re

import httpx

from roost.instance import Roost
from roost.polls.jobs import close_poll
from tests.conftest import User
from tests.polls.test_polls import end_now
from tests.web.test_pages import assert_safe_page, csrf, sign_in


async def test_a_poll_from_the_compose_box(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    token = await sign_in(client, alice)
    form = {"csrf_token": token, "status": "Lunch?", "poll_expires_in": "3600", "next": "/@alice"}
    r = await client.post(
        "/statuses", data={**form, "poll_option": ["Soup", "Salad", "", ""], "poll_multiple": "1"}
    )
    assert r.status_code == 303, r.text
    page = await client.get("/@alice")
    assert_safe_page(page)
    # Its author sees the results (no ballot), with the time left.
    assert 'class="poll-results"' in page.text
    assert "Soup" in page.text
    assert "Salad" in page.text
    assert "0 votes" in page.text
    assert "left" in page.text
    assert 'action="/polls/' not in page.text


async def test_poll_errors_keep_what_was_typed(client: httpx.AsyncClient, alice: User) -> None:
    token = await sign_in(client, alice)
    cases = {
        ("Only one", "", "", ""): "at least two choices",
        ("Same", "Same", "", ""): "must be different",
    }
    for options, message in cases.items():
        r = await client.post(
            "/statuses",
            data={
                "csrf_token": token,
                "status": "Q",
                "poll_expires_in": "3600",
                "poll_option": list(options),
            },
        )
        assert r.status_code == 422
        assert message in r.text
        assert f'value="{options[0]}"' in r.text
    r = await client.post(
        "/statuses",
        data={
            "csrf_token": token,
            "status": "Q",
            "poll_expires_in": "5",
            "poll_option": ["a", "b"],
        },
    )
    assert r.status_code == 422
    assert "how long the poll stays open" in r.text


async def test_vote_from_the_page_then_see_the_results(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    r = await client.post(
        "/api/v1/statuses",
        json={"status": "Pick", "poll": {"options": ["Red", "Blue"], "expires_in": 3600}},
        headers=alice.auth,
    )
    status_id = r.json()["id"]
    poll_id = r.json()["poll"]["id"]
    token = await sign_in(client, bob)
    page = await client.get(f"/@alice/{status_id}")
    assert f'action="/polls/{poll_id}/votes"' in page.text
    assert 'type="radio" name="choice" value="1"' in page.text
    r = await client.post(f"/polls/{poll_id}/votes", data={"csrf_token": token})
    assert r.status_code == 422
    assert "Choose an answer first" in r.text
    r = await client.post(
        f"/polls/{poll_id}/votes",
        data={"csrf_token": token, "choice": "1", "next": f"/@alice/{status_id}"},
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/@alice/{status_id}#s-{status_id}"
    page = await client.get(f"/@alice/{status_id}")
    assert f'action="/polls/{poll_id}/votes"' not in page.text
    mine = re.search(r'poll-option poll-mine">.*?</li>', page.text, re.S)
    assert mine is not None
    assert "Blue" in mine.group(0)
    assert "100%" in mine.group(0)
    r = await client.post(f"/polls/{poll_id}/votes", data={"csrf_token": token, "choice": "0"})
    assert r.status_code == 422
    assert "already voted" in r.text


async def test_the_end_of_a_poll_is_in_notifications(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    r = await client.post(
        "/api/v1/statuses",
        json={"status": "Soon over", "poll": {"options": ["x", "y"], "expires_in": 300}},
        headers=alice.auth,
    )
    poll_id = r.json()["poll"]["id"]
    voted = await client.post(
        f"/api/v1/polls/{poll_id}/votes", json={"choices": [0]}, headers=bob.auth
    )
    assert voted.status_code == 200
    await end_now(roost.db, poll_id)
    await close_poll(roost, {"poll_id": int(poll_id)})
    await sign_in(client, alice)
    page = await client.get("/notifications")
    assert "Your poll has ended" in page.text
    assert "Closed" in page.text
    await csrf(client)
    await sign_in(client, bob)
    page = await client.get("/notifications")
    assert "A poll you voted in has ended" in page.text
