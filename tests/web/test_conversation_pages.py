"""Direct messages on the web: the list of conversations, one as a chat with a reply box
(opening it marks it read), and muting a thread from a post's page."""

from __future__ import annotations

import re

import httpx

from tests.conftest import User
from tests.web.test_pages import assert_safe_page, sign_in


async def test_messages_read_like_a_chat(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    r = await client.post(
        "/api/v1/statuses",
        json={"status": "@bob are we still on for tonight?", "visibility": "direct"},
        headers=alice.auth,
    )
    first = r.json()["id"]
    token = await sign_in(client, bob)
    listing = await client.get("/conversations")
    assert_safe_page(listing)
    assert f'href="/conversations/{first}"' in listing.text
    assert "(unread)" in listing.text
    chat = await client.get(f"/conversations/{first}")
    assert_safe_page(chat)
    assert "are we still on for tonight?" in chat.text
    assert 'value="direct" selected' in chat.text  # the reply stays private
    assert f'name="in_reply_to_id" value="{first}"' in chat.text
    assert ">@alice </textarea>" in chat.text
    assert "(unread)" not in (await client.get("/conversations")).text  # opened: read
    r = await client.post(
        "/statuses",
        data={
            "csrf_token": token,
            "status": "@alice yes, at eight",
            "visibility": "direct",
            "in_reply_to_id": first,
            "next": f"/conversations/{first}",
        },
    )
    assert r.status_code == 303
    chat = await client.get(f"/conversations/{first}")
    mine = re.findall(r'<li class="chat-message mine".*?</li>', chat.text, re.S)
    assert len(mine) == 1
    assert "yes, at eight" in mine[0]
    # Someone outside the conversation finds nothing.
    await sign_in(client, carol)
    assert (await client.get(f"/conversations/{first}")).status_code == 404
    assert f"/conversations/{first}" not in (await client.get("/conversations")).text


async def test_mute_a_thread_from_its_page(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    r = await client.post("/api/v1/statuses", json={"status": "A thread"}, headers=alice.auth)
    sid = r.json()["id"]
    token = await sign_in(client, bob)
    page = await client.get(f"/@alice/{sid}")
    assert "Mute this conversation" in page.text
    r = await client.post(
        f"/statuses/{sid}/mute", data={"csrf_token": token, "next": f"/@alice/{sid}"}
    )
    assert r.status_code == 303
    page = await client.get(f"/@alice/{sid}")
    assert "Unmute this conversation" in page.text
    seen = await client.get(f"/api/v1/statuses/{sid}", headers=bob.auth)
    assert seen.json()["muted"] is True
