"""Filters applied where Mastodon applies them: `hide` takes a post away in its contexts,
every matching filter is listed in the post's `filtered`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from roost.filters import queries as filter_queries
from roost.timeutil import utcnow
from tests.api.test_statuses import post
from tests.conftest import User


async def make_filter(
    client: httpx.AsyncClient, user: User, words: list[str] | str, context: list[str],
    action: str = "warn", whole_word: bool = False, **extra: Any,
) -> dict[str, Any]:  # fmt: skip
    words = [words] if isinstance(words, str) else words
    title = f"no {words[0]}" if words else "no post"
    body = {"title": title, "context": context, "filter_action": action,
            "keywords_attributes": [{"keyword": w, "whole_word": whole_word} for w in words],
            **extra}  # fmt: skip
    r = await client.post("/api/v2/filters", json=body, headers=user.auth)
    assert r.status_code == 200, r.text
    made: dict[str, Any] = r.json()
    return made


async def ids(client: httpx.AsyncClient, user: User, url: str) -> list[str]:
    r = await client.get(url, headers=user.auth)
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


async def by_id(client: httpx.AsyncClient, user: User, url: str) -> dict[str, dict[str, Any]]:
    r = await client.get(url, headers=user.auth)
    assert r.status_code == 200, r.text
    return {s["id"]: s for s in r.json()}


async def follow(client: httpx.AsyncClient, user: User, target: User) -> None:
    r = await client.post(f"/api/v1/accounts/{target.id}/follow", headers=user.auth)
    assert r.status_code == 200, r.text


async def test_warn_marks_and_hide_removes_in_home(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    await follow(client, alice, bob)
    spoiler = await post(client, bob, "The butler did it, in Chapter 9 & more")
    plain = await post(client, bob, "Nice weather")
    warned = await make_filter(client, alice, "BUTLER", ["home"])
    found = await by_id(client, alice, "/api/v1/timelines/home")
    assert found[plain["id"]]["filtered"] is None
    [result] = found[spoiler["id"]]["filtered"]
    assert result == {
        "filter": {
            "id": warned["id"],
            "title": "no BUTLER",
            "context": ["home"],
            "expires_at": None,
            "filter_action": "warn",
        },
        "keyword_matches": ["butler"],  # the text matched, as Mastodon gives it
        "status_matches": None,
    }
    await make_filter(client, alice, "chapter 9", ["home"], action="hide")
    assert await ids(client, alice, "/api/v1/timelines/home") == [plain["id"]]
    # bob's own timeline is untouched by alice's filters
    assert spoiler["id"] in await ids(client, bob, "/api/v1/timelines/home")


async def test_filtered_lists_matches_of_every_context_but_hides_only_in_its_own(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    await follow(client, alice, bob)
    status = await post(client, bob, "football results")
    hider = await make_filter(client, alice, "football", ["public"], action="hide")
    # Mastodon lists the match in home too; clients apply each filter by its context.
    [result] = (await by_id(client, alice, "/api/v1/timelines/home"))[status["id"]]["filtered"]
    assert result["filter"]["id"] == hider["id"]
    assert result["filter"]["context"] == ["public"]
    assert status["id"] not in await ids(client, alice, "/api/v1/timelines/public")
    assert status["id"] not in await ids(client, alice, "/api/v1/timelines/public?local=true")
    assert status["id"] in await ids(client, bob, "/api/v1/timelines/public")


async def test_tag_timeline_is_public_context(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    hidden = await post(client, bob, "#Cats sleeping on keyboards")
    kept = await post(client, bob, "#Cats on sofas")
    await make_filter(client, alice, "keyboard", ["public"], action="hide")
    assert await ids(client, alice, "/api/v1/timelines/tag/cats") == [kept["id"]]
    assert await ids(client, bob, "/api/v1/timelines/tag/cats") == [kept["id"], hidden["id"]]


async def test_thread_context(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    root = await post(client, bob, "A thread")
    rude = await post(client, bob, "a rude reply", in_reply_to_id=root["id"])
    nice = await post(client, bob, "a nice reply", in_reply_to_id=root["id"])
    await make_filter(client, alice, "rude", ["thread"], action="hide")
    await make_filter(client, alice, "nice", ["thread"])
    r = await client.get(f"/api/v1/statuses/{root['id']}/context", headers=alice.auth)
    descendants = r.json()["descendants"]
    assert [s["id"] for s in descendants] == [nice["id"]]
    assert descendants[0]["filtered"][0]["keyword_matches"] == ["nice"]
    r = await client.get(f"/api/v1/statuses/{nice['id']}/context", headers=alice.auth)
    assert [s["id"] for s in r.json()["ancestors"]] == [root["id"]]
    assert rude["id"] in [
        s["id"]
        for s in (
            await client.get(f"/api/v1/statuses/{root['id']}/context", headers=bob.auth)
        ).json()["descendants"]
    ]


async def test_account_context(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    a = await post(client, bob, "about politics")
    b = await post(client, bob, "about gardening")
    await make_filter(client, alice, "politics", ["account"], action="hide")
    assert await ids(client, alice, f"/api/v1/accounts/{bob.id}/statuses") == [b["id"]]
    assert a["id"] in await ids(client, alice, "/api/v1/timelines/public")


async def test_list_timeline_is_home_context(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    await follow(client, alice, bob)
    list_id = (await client.post("/api/v1/lists", json={"title": "L"}, headers=alice.auth)).json()[
        "id"
    ]
    r = await client.post(
        f"/api/v1/lists/{list_id}/accounts", json={"account_ids": [bob.sid]}, headers=alice.auth
    )
    assert r.status_code == 200
    gone = await post(client, bob, "crypto news")
    kept = await post(client, bob, "bird news")
    await make_filter(client, alice, "crypto", ["home"], action="hide")
    assert await ids(client, alice, f"/api/v1/timelines/list/{list_id}") == [kept["id"]]
    assert gone["id"] not in await ids(client, alice, "/api/v1/timelines/home")


async def test_notifications_context(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    await post(client, bob, "@alice buy my crypto")
    polite = await post(client, bob, "@alice hello there")
    r = await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    assert r.status_code == 200
    await make_filter(client, alice, "crypto", ["notifications"], action="hide")
    await make_filter(client, alice, "hello", ["notifications"])
    r = await client.get("/api/v1/notifications", headers=alice.auth)
    notes = r.json()
    assert [n["type"] for n in notes] == ["follow", "mention"]
    assert notes[1]["status"]["id"] == polite["id"]
    assert notes[1]["status"]["filtered"][0]["keyword_matches"] == ["hello"]
    grouped = (await client.get("/api/v2/notifications", headers=alice.auth)).json()
    assert [g["type"] for g in grouped["notification_groups"]] == ["follow", "mention"]
    assert [s["id"] for s in grouped["statuses"]] == [polite["id"]]


async def test_whole_word_and_case(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    await follow(client, alice, bob)
    cat = await post(client, bob, "My CAT! is asleep")
    category = await post(client, bob, "A category of things")
    hashtag = await post(client, bob, "Look #cats")
    await make_filter(client, alice, "cat", ["home"], whole_word=True)
    found = await by_id(client, alice, "/api/v1/timelines/home")
    assert found[cat["id"]]["filtered"][0]["keyword_matches"] == ["CAT"]
    assert found[category["id"]]["filtered"] is None
    assert found[hashtag["id"]]["filtered"] is None
    # Not whole-word: inside words too. A keyword ending in a non-word character is only
    # bounded on its word side, as Mastodon's regex.
    await make_filter(client, alice, ["ategor", "#cat"], ["home"], whole_word=True)
    found = await by_id(client, alice, "/api/v1/timelines/home")
    assert found[category["id"]]["filtered"] is None
    assert found[hashtag["id"]]["filtered"] is None
    await make_filter(client, alice, ["ategor", "#CATS"], ["home"], whole_word=False)
    found = await by_id(client, alice, "/api/v1/timelines/home")
    assert found[category["id"]]["filtered"][0]["keyword_matches"] == ["ategor"]
    assert found[hashtag["id"]]["filtered"][0]["keyword_matches"] == ["#cats"]


async def test_content_warning_and_poll_options_are_searched(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    await follow(client, alice, bob)
    cw = await post(client, bob, "hidden text", spoiler_text="Election talk")
    poll = await post(client, bob, "Vote!", poll={"options": ["Brexit", "Other"],
                                                  "expires_in": 3600})  # fmt: skip
    await make_filter(client, alice, ["election", "brexit"], ["home"], action="hide")
    found = await ids(client, alice, "/api/v1/timelines/home")
    assert cw["id"] not in found
    assert poll["id"] not in found


async def test_boosts_and_status_filters(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    await follow(client, alice, bob)
    original = await post(client, carol, "Spoilers for the finale")
    boost = (
        await client.post(f"/api/v1/statuses/{original['id']}/reblog", headers=bob.auth)
    ).json()
    made = await make_filter(client, alice, "finale", ["home"])
    shown = (await by_id(client, alice, "/api/v1/timelines/home"))[boost["id"]]
    assert shown["filtered"][0]["filter"]["id"] == made["id"]
    assert shown["reblog"]["filtered"] == shown["filtered"]
    # A filter of statuses: the boost matches through the original's id.
    by_status = await make_filter(client, alice, [], ["home"], action="hide")
    r = await client.post(f"/api/v2/filters/{by_status['id']}/statuses",
                          data={"status_id": original["id"]}, headers=alice.auth)  # fmt: skip
    assert r.status_code == 200
    assert boost["id"] not in await ids(client, alice, "/api/v1/timelines/home")
    await client.delete(f"/api/v2/filters/{by_status['id']}", headers=alice.auth)
    assert boost["id"] in await ids(client, alice, "/api/v1/timelines/home")


async def test_own_posts_are_never_hidden(client: httpx.AsyncClient, alice: User) -> None:
    mine = await post(client, alice, "my crypto post")
    await make_filter(client, alice, "crypto", ["home", "public"], action="hide")
    home = await by_id(client, alice, "/api/v1/timelines/home")
    assert home[mine["id"]]["filtered"][0]["keyword_matches"] == ["crypto"]
    assert mine["id"] in await ids(client, alice, "/api/v1/timelines/public")


async def test_expired_filters_do_not_apply(
    client: httpx.AsyncClient, alice: User, bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    await follow(client, alice, bob)
    status = await post(client, bob, "temporary spoilers")
    await make_filter(client, alice, "spoilers", ["home"], action="hide", expires_in=3600)
    assert status["id"] not in await ids(client, alice, "/api/v1/timelines/home")
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr(filter_queries, "utcnow", lambda: later)
    assert status["id"] in await ids(client, alice, "/api/v1/timelines/home")
    listed = (await client.get("/api/v2/filters", headers=alice.auth)).json()
    assert len(listed) == 1  # still listed, as Mastodon lists expired filters


async def test_anonymous_readers_see_everything(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    status = await post(client, bob, "crypto")
    await make_filter(client, alice, "crypto", ["public"], action="hide")
    r = await client.get("/api/v1/timelines/public")
    assert [s["id"] for s in r.json()] == [status["id"]]
    assert r.json()[0]["filtered"] is None
