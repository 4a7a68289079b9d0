"""Posting, reading, deleting and interacting with statuses through the API."""

from __future__ import annotations

from typing import Any

import httpx

from roost.emojis.queries import do_add_custom_emoji
from roost.instance import Roost
from tests.conftest import User


async def post(client: httpx.AsyncClient, user: User, text: str, **extra: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/statuses", json={"status": text, **extra}, headers=user.auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_post_and_read_back(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    status = await post(client, alice, "Hello @bob! #Roost https://example.com/x")
    assert status["account"]["username"] == "alice"
    assert status["visibility"] == "public"
    assert [m["username"] for m in status["mentions"]] == ["bob"]
    assert [t["name"] for t in status["tags"]] == ["roost"]
    assert 'href="http://testserver/@bob"' in status["content"]
    r = await client.get(f"/api/v1/statuses/{status['id']}")
    assert r.status_code == 200
    assert r.json()["content"] == status["content"]
    assert r.json()["favourited"] is None  # anonymous: no viewer flags


async def test_custom_emojis_in_a_post(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    await do_add_custom_emoji(roost.db, "blobcat", "https://cdn.example/blobcat.png")
    await do_add_custom_emoji(roost.db, "roost", "/media/emoji/roost.png")
    status = await post(client, alice, "Hi :roost: and :blobcat: :roost: :nope: a:blobcat:b",
                        spoiler_text="cw :blobcat:")  # fmt: skip
    emojis = [(e["shortcode"], e["url"]) for e in status["emojis"]]
    assert emojis == [("blobcat", "https://cdn.example/blobcat.png"),
                      ("roost", "/media/emoji/roost.png")]  # fmt: skip
    read = (await client.get(f"/api/v1/statuses/{status['id']}", headers=alice.auth)).json()
    assert read == status  # what the post answered is what a read gives
    plain = await post(client, alice, "No emoji here: 10:30:00")
    assert plain["emojis"] == []
    boost = (
        await client.post(f"/api/v1/statuses/{status['id']}/reblog", headers=alice.auth)
    ).json()
    assert boost["emojis"] == []
    assert boost["reblog"]["emojis"] == status["emojis"]


async def test_form_encoded_post(client: httpx.AsyncClient, alice: User) -> None:
    r = await client.post(
        "/api/v1/statuses",
        data={"status": "form post", "visibility": "unlisted", "sensitive": "1"},
        headers=alice.auth,
    )
    assert r.status_code == 200, r.text
    assert r.json()["visibility"] == "unlisted"
    assert r.json()["sensitive"] is True


async def test_home_timeline_fan_out(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    r = await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.auth)
    assert r.status_code == 200, r.text
    s = await post(client, bob, "for my followers", visibility="private")
    r = await client.get("/api/v1/timelines/home", headers=alice.auth)
    assert [x["id"] for x in r.json()] == [s["id"]]


async def test_favourite_reblog_bookmark_and_undo(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    s = await post(client, bob, "like me")
    sid = s["id"]
    for action, field, count in [
        ("favourite", "favourited", "favourites_count"),
        ("reblog", "reblogged", "reblogs_count"),
        ("bookmark", "bookmarked", None),
    ]:
        r = await client.post(f"/api/v1/statuses/{sid}/{action}", headers=alice.auth)
        assert r.status_code == 200, r.text
        body = r.json()
        target = body["reblog"] or body
        assert body[field] is True
        if count:
            assert target[count] == 1
        r = await client.post(f"/api/v1/statuses/{sid}/un{action}", headers=alice.auth)
        assert r.status_code == 200, r.text
        assert r.json()[field] is False
        if count:
            assert r.json()[count] == 0


async def test_delete_returns_source(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    s = await post(client, alice, "oops #typo")
    r = await client.delete(f"/api/v1/statuses/{s['id']}", headers=bob.auth)
    assert r.status_code == 403
    r = await client.delete(f"/api/v1/statuses/{s['id']}", headers=alice.auth)
    assert r.status_code == 200
    assert r.json()["text"] == "oops #typo"
    r = await client.get(f"/api/v1/statuses/{s['id']}", headers=alice.auth)
    assert r.status_code == 404


async def test_context(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    root = await post(client, alice, "root")
    reply = await post(client, bob, "@alice reply", in_reply_to_id=root["id"])
    reply2 = await post(client, alice, "@bob reply 2", in_reply_to_id=reply["id"])
    r = await client.get(f"/api/v1/statuses/{reply['id']}/context", headers=alice.auth)
    assert [s["id"] for s in r.json()["ancestors"]] == [root["id"]]
    assert [s["id"] for s in r.json()["descendants"]] == [reply2["id"]]
    r = await client.get(f"/api/v1/statuses/{root['id']}", headers=alice.auth)
    assert r.json()["replies_count"] == 1


async def test_bad_input(client: httpx.AsyncClient, alice: User) -> None:
    r = await client.post("/api/v1/statuses", json={"status": "x" * 501}, headers=alice.auth)
    assert r.status_code == 422
    assert "character limit" in r.json()["error"]
    r = await client.post("/api/v1/statuses", json={"status": ""}, headers=alice.auth)
    assert r.status_code == 422
    r = await client.post("/api/v1/statuses", json={"status": "hi"})
    assert r.status_code == 401
    r = await client.post(
        "/api/v1/statuses",
        content=b"{not json",
        headers={**alice.auth, "Content-Type": "application/json"},
    )
    assert r.status_code == 400
    r = await client.get("/api/v1/statuses/abc")
    assert r.status_code == 404
    r = await client.get("/api/v1/statuses/123")
    assert r.status_code == 404
    r = await client.post(
        "/api/v1/statuses", json={"status": "x", "visibility": "everyone"}, headers=alice.auth
    )
    assert r.status_code == 422
    r = await client.get("/api/v1/timelines/public?max_id=abc")
    assert r.status_code == 400


async def test_allowed_mentions_refuses_a_post_to_unexpected_accounts(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    body = {"status": "@bob @carol hello", "allowed_mentions": [str(bob.id)]}
    r = await client.post("/api/v1/statuses", json=body, headers=alice.auth)
    assert r.status_code == 422
    assert r.json()["error"] == "Post would be sent to unexpected accounts"
    assert [a["username"] for a in r.json()["unexpected_accounts"]] == ["carol"]
    mine = await client.get(f"/api/v1/accounts/{alice.id}/statuses", headers=alice.auth)
    assert mine.json() == []  # nothing was posted
    form = {"status": "@bob @carol hello", "allowed_mentions[]": [str(bob.id), str(carol.id)]}
    r = await client.post("/api/v1/statuses", data=form, headers=alice.auth)
    assert r.status_code == 200, r.text
    r = await client.post(
        "/api/v1/statuses", json={"status": "no mentions", "allowed_mentions": []},
        headers=alice.auth,
    )  # fmt: skip
    assert r.status_code == 200
