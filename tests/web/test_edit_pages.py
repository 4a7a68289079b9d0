"""Editing on the web: one's own posts only, errors keep the text, the "edited" mark and
the history page, open to whoever may see the post."""

from __future__ import annotations

import re

import httpx

from tests.conftest import User
from tests.web.test_pages import assert_safe_page, sign_in


async def test_edit_a_post_and_read_its_history(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    r = await client.post("/api/v1/statuses", json={"status": "Frist!"}, headers=alice.auth)
    sid = r.json()["id"]
    token = await sign_in(client, alice)
    page = await client.get(f"/@alice/{sid}")
    assert f'href="/@alice/{sid}/edit"' in page.text
    assert "/history" not in page.text  # not edited yet
    form = await client.get(f"/@alice/{sid}/edit")
    assert_safe_page(form)
    assert ">Frist!</textarea>" in form.text
    r = await client.post(f"/@alice/{sid}/edit", data={"csrf_token": token, "status": "  "})
    assert r.status_code == 422
    assert "the post is empty" in r.text
    r = await client.post(
        f"/@alice/{sid}/edit", data={"csrf_token": token, "status": "First!", "spoiler_text": ""}
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/@alice/{sid}"
    page = await client.get(f"/@alice/{sid}")
    assert "First!" in page.text
    assert f'href="/@alice/{sid}/history"' in page.text
    history = await client.get(f"/@alice/{sid}/history")
    assert_safe_page(history)
    versions = re.findall(r'<li class="version">(.*?)</li>', history.text, re.S)
    assert len(versions) == 2
    assert "Current version" in versions[0]
    assert "First!" in versions[0]
    assert "Original" in versions[1]
    assert "Frist!" in versions[1]


async def test_only_the_author_may_edit(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    r = await client.post("/api/v1/statuses", json={"status": "Alice's"}, headers=alice.auth)
    sid = r.json()["id"]
    token = await sign_in(client, bob)
    page = await client.get(f"/@alice/{sid}")
    assert f"/{sid}/edit" not in page.text
    assert (await client.get(f"/@alice/{sid}/edit")).status_code == 404
    r = await client.post(f"/@alice/{sid}/edit", data={"csrf_token": token, "status": "Bob's"})
    assert r.status_code == 404
    seen = await client.get(f"/api/v1/statuses/{sid}")
    assert "Bob" not in seen.json()["content"]


async def test_editing_keeps_the_poll(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    r = await client.post(
        "/api/v1/statuses",
        json={"status": "Q", "poll": {"options": ["a", "b"], "expires_in": 3600}},
        headers=alice.auth,
    )
    sid, poll_id = r.json()["id"], r.json()["poll"]["id"]
    await client.post(f"/api/v1/polls/{poll_id}/votes", json={"choices": [1]}, headers=bob.auth)
    token = await sign_in(client, alice)
    assert "The poll stays as it is" in (await client.get(f"/@alice/{sid}/edit")).text
    r = await client.post(f"/@alice/{sid}/edit", data={"csrf_token": token, "status": "Q?"})
    assert r.status_code == 303
    poll = (await client.get(f"/api/v1/polls/{poll_id}")).json()
    assert poll["votes_count"] == 1
