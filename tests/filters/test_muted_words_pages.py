"""Muted words on the web: the settings page, and how timelines show what they match."""

from __future__ import annotations

import re

import httpx

from tests.api.test_statuses import post
from tests.conftest import User
from tests.web.test_pages import assert_safe_page, sign_in


async def _mute(client: httpx.AsyncClient, token: str, phrase: str, action: str,
                contexts: tuple[str, ...] = ("home", "public", "thread", "account"),
                **extra: str) -> httpx.Response:  # fmt: skip
    return await client.post(
        "/settings/filters",
        data={"csrf_token": token, "phrase": phrase, "action": action, "expires_in": "0",
              "context": list(contexts), **extra},
    )  # fmt: skip


async def test_mute_words_and_see_timelines_change(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.auth)
    durian = await post(client, bob, "I ate a durian today")
    okra = await post(client, bob, "Okra soup for dinner")
    plain = await post(client, bob, "Just bread")
    token = await sign_in(client, alice)
    page = await client.get("/settings/filters")
    assert_safe_page(page)
    assert "No muted words yet." in page.text
    assert 'href="/settings/filters" aria-current="page"' in page.text

    r = await _mute(client, token, "durian", "hide")
    assert r.status_code == 303
    r = await _mute(client, token, "okra", "warn", whole_word="1")
    assert r.status_code == 303
    page = await client.get("/settings/filters")
    assert "durian" in page.text
    assert "okra" in page.text

    home = (await client.get("/")).text
    assert f'data-id="{durian["id"]}"' not in home
    assert f'data-id="{plain["id"]}"' in home
    card = re.search(rf'<article[^>]*data-id="{okra["id"]}".*?</article>', home, re.S)
    assert card is not None
    assert "<details" in card.group(0)
    assert "Hidden by your filter: okra" in card.group(0)
    assert "Show anyway" in card.group(0)
    assert "Okra soup" in card.group(0)  # there, folded
    public = (await client.get("/public")).text
    assert f'data-id="{durian["id"]}"' not in public
    profile = (await client.get("/@bob")).text
    assert f'data-id="{durian["id"]}"' not in profile
    assert "Hidden by your filter: okra" in profile
    status_page = (await client.get(f"/@bob/{okra['id']}")).text  # the post itself: shown
    assert "Hidden by your filter" not in status_page

    # Unmute durian (listed first): its post is back; okra's stays folded.
    fid = re.search(r"<strong>durian</strong>.*?/settings/filters/(\d+)/delete", page.text, re.S)
    assert fid is not None
    r = await client.post(f"/settings/filters/{fid.group(1)}/delete", data={"csrf_token": token})
    assert r.status_code == 303
    home = (await client.get("/")).text
    assert f'data-id="{durian["id"]}"' in home
    assert home.count("Hidden by your filter") == 1
    assert "durian" not in (await client.get("/settings/filters")).text


async def test_a_muted_thread_reply_is_folded_or_gone(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    root = await post(client, bob, "What do you think?")
    rude = await post(client, bob, "you fool", in_reply_to_id=root["id"])
    mild = await post(client, bob, "meh, durian", in_reply_to_id=root["id"])
    token = await sign_in(client, alice)
    await _mute(client, token, "fool", "hide", contexts=("thread",))
    await _mute(client, token, "durian", "warn", contexts=("thread",))
    page = (await client.get(f"/@bob/{root['id']}")).text
    assert f'data-id="{rude["id"]}"' not in page
    assert f'data-id="{mild["id"]}"' in page
    assert "Hidden by your filter: durian" in page
    # The home timeline is not a muted context for these words.
    assert "Hidden by your filter" not in (await client.get("/@bob")).text


async def test_bad_input_and_another_persons_filter(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    token = await sign_in(client, alice)
    for data in (
        {"phrase": "  ", "action": "warn", "context": "home", "expires_in": "0"},
        {"phrase": "x", "action": "warn", "expires_in": "0"},
        {"phrase": "x", "action": "explode", "context": "home", "expires_in": "0"},
        {"phrase": "x", "action": "warn", "context": "home", "expires_in": "5"},
        {"phrase": "x" * 600, "action": "warn", "context": "home", "expires_in": "0"},
    ):
        r = await client.post("/settings/filters", data={"csrf_token": token, **data})
        assert r.status_code == 422, data
        assert 'role="alert"' in r.text
    assert "No muted words yet." in (await client.get("/settings/filters")).text
    r = await _mute(client, token, "for a day", "warn", expires_in="86400")
    assert r.status_code == 303
    [made] = (await client.get("/api/v2/filters", headers=alice.auth)).json()
    assert made["expires_at"] is not None
    assert f"until {made['expires_at'][:10]}" in (await client.get("/settings/filters")).text
    r = await client.post(
        "/api/v2/filters", json={"title": "bob's", "context": ["home"]}, headers=bob.auth
    )
    theirs = r.json()["id"]
    r = await client.post(f"/settings/filters/{theirs}/delete", data={"csrf_token": token})
    assert r.status_code == 404
    assert len((await client.get("/api/v2/filters", headers=bob.auth)).json()) == 1
    r = await client.post(f"/settings/filters/{theirs}/delete", data={})
    assert r.status_code == 403
