"""Server-sent event streams at /api/v1/streaming/<stream>, against a real uvicorn server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from roost.api.mastodon import streaming
from roost.instance import Roost
from roost.oauth.actions import do_create_token
from tests.api.test_statuses import post
from tests.conftest import MakeUser, User
from tests.streaming import TIMEOUT, EventSource, publish, serve, subscribers, until


@pytest.fixture
async def server(roost: Roost) -> AsyncIterator[str]:
    async with serve(roost) as host:
        yield host


@asynccontextmanager
async def sse(host: str, path: str, user: User | str, **params: str) -> AsyncIterator[EventSource]:
    """Open a stream (as a user, or with a raw token) and read past Mastodon's `:)`."""
    token = user if isinstance(user, str) else user.token
    async with (
        httpx.AsyncClient(base_url=f"http://{host}", timeout=TIMEOUT) as http,
        http.stream(
            "GET",
            f"/api/v1/streaming/{path}",
            params=params,
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        assert response.status_code == 200
        source = EventSource(response)
        assert await source.line() == ":)"
        yield source


# --- Refusals (plain JSON answers, so the in-process client suffices) ------------------


async def test_stream_needs_a_token(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/streaming/public")
    assert r.status_code == 401
    assert r.json() == {"error": "Missing access token"}


async def test_stream_refuses_a_bad_token(client: httpx.AsyncClient) -> None:
    for params, headers in (
        ({}, {"Authorization": "Bearer nope"}),
        ({"access_token": "nope"}, {}),
    ):
        r = await client.get("/api/v1/streaming/user", params=params, headers=headers)
        assert r.status_code == 401
        assert r.json() == {"error": "Invalid access token"}


async def test_token_in_the_query(server: str, alice: User) -> None:
    """Mastodon's legacy `access_token` parameter (EventSource cannot set headers)."""
    url = f"http://{server}/api/v1/streaming/user?access_token={alice.token}"
    async with httpx.AsyncClient(timeout=TIMEOUT) as http, http.stream("GET", url) as response:
        assert response.status_code == 200
        assert await EventSource(response).line() == ":)"


async def test_stream_refuses_an_app_token(client: httpx.AsyncClient, roost: Roost) -> None:
    token = await do_create_token(roost.db, account_id=None, app_id=None, scopes="read")
    r = await client.get(
        "/api/v1/streaming/public", headers={"Authorization": f"Bearer {token.access_token}"}
    )
    assert r.status_code == 401
    assert r.json() == {"error": "Invalid access token"}


@pytest.mark.parametrize(
    ("scopes", "path", "allowed"),
    [
        ("write", "user", False),
        ("read:notifications", "public", False),
        ("read:notifications", "user", False),
        ("read:statuses", "user/notification", False),
        ("read:accounts", "hashtag?tag=x", False),
        ("read:statuses", "public/local", True),
        ("read:notifications", "user/notification", True),
        ("read", "direct", True),
    ],
)
async def test_stream_scopes(
    client: httpx.AsyncClient,
    server: str,
    make_user: MakeUser,
    scopes: str,
    path: str,
    allowed: bool,
) -> None:
    user = await make_user("scoped", scopes=scopes)
    if not allowed:
        r = await client.get(f"/api/v1/streaming/{path}", headers=user.auth)
        assert r.status_code == 401
        assert r.json() == {"error": "Access token does not have the required scopes"}
        return
    async with sse(server, path, user) as source:
        assert source.response.headers["content-type"].startswith("text/event-stream")


async def test_stream_parameters(client: httpx.AsyncClient, alice: User) -> None:
    for path, status, error in (
        ("hashtag", 400, "Missing tag name parameter"),
        ("hashtag/local?tag=", 400, "Missing tag name parameter"),
        ("list", 400, "Missing list name parameter"),
        ("list?list=1", 401, "Not authorized to stream this list"),
    ):
        r = await client.get(f"/api/v1/streaming/{path}", headers=alice.auth)
        assert r.status_code == status, path
        assert r.json() == {"error": error}


async def test_unknown_stream_is_404(client: httpx.AsyncClient, alice: User) -> None:
    r = await client.get("/api/v1/streaming/nope", headers=alice.auth)
    assert r.status_code == 404
    r = await client.get("/api/v1/streaming", headers=alice.auth)
    assert r.status_code == 404


# --- The stream itself ---------------------------------------------------------------------


async def test_update_is_sent_as_mastodon_formats_it(
    client: httpx.AsyncClient, roost: Roost, server: str, alice: User, bob: User
) -> None:
    status = await post(client, bob, "hello #Roost")
    async with sse(server, "user", alice) as source:
        assert source.response.headers["cache-control"] == "no-cache"
        await publish(roost, f"timeline:{alice.id}", "update", status["id"])
        name, payload = await source.status_event()
        assert name == "update"
        assert payload["id"] == status["id"]
        assert payload["account"]["username"] == "bob"
        assert payload["favourited"] is False  # rendered for the viewer
        assert source.raw.startswith(":)\n")
        assert f"event: update\ndata: {json.dumps(payload, separators=(',', ':'))}\n\n" in (
            source.raw
        )


async def test_user_stream_skips_what_the_viewer_may_not_see(
    client: httpx.AsyncClient,
    roost: Roost,
    server: str,
    alice: User,
    bob: User,
    carol: User,
) -> None:
    secret = await post(client, bob, "@carol just us", visibility="direct")
    private = await post(client, bob, "followers only", visibility="private")
    muted = await post(client, carol, "muted soon")
    visible = await post(client, bob, "for everyone")
    r = await client.post(f"/api/v1/accounts/{carol.sid}/mute", headers=alice.auth)
    assert r.status_code == 200
    async with sse(server, "user", alice) as source:
        channel = f"timeline:{alice.id}"
        for hidden in (secret, private, muted):
            await publish(roost, channel, "update", hidden["id"])
        await publish(roost, channel, "update", "123456789")  # no such status
        await publish(roost, channel, "update", "not-an-id")
        await publish(roost, channel, "update", visible["id"])
        name, payload = await source.status_event()
        assert (name, payload["id"]) == ("update", visible["id"])


async def test_public_stream_skips_blocked_authors_and_non_public_posts(
    client: httpx.AsyncClient,
    roost: Roost,
    server: str,
    alice: User,
    bob: User,
    carol: User,
) -> None:
    blocked = await post(client, bob, "blocked")
    unlisted = await post(client, carol, "quiet", visibility="unlisted")
    public = await post(client, carol, "loud")
    r = await client.post(f"/api/v1/accounts/{bob.sid}/block", headers=alice.auth)
    assert r.status_code == 200
    async with sse(server, "public/local", alice) as source:
        for status in (blocked, unlisted, public):
            await publish(roost, "timeline:public:local", "update", status["id"])
        name, payload = await source.status_event()
        assert (name, payload["id"]) == ("update", public["id"])


async def test_delete_and_status_update(
    client: httpx.AsyncClient, roost: Roost, server: str, alice: User, bob: User
) -> None:
    status = await post(client, bob, "edited later")
    async with sse(server, "public", alice) as source:
        await publish(roost, "timeline:public", "delete", "4242")
        assert await source.event() == ("delete", "4242")
        await publish(roost, "timeline:public", "status.update", status["id"])
        name, payload = await source.status_event()
        assert (name, payload["id"]) == ("status.update", status["id"])
        assert "event: delete\ndata: 4242\n\n" in source.raw


async def test_notifications_on_the_user_streams(
    client: httpx.AsyncClient,
    roost: Roost,
    server: str,
    alice: User,
    bob: User,
) -> None:
    await post(client, bob, "hi @alice")
    r = await client.get("/api/v1/notifications", headers=alice.auth)
    (notification,) = r.json()
    status = await post(client, bob, "plain")
    statuses_only = await do_create_token(
        roost.db, account_id=alice.id, app_id=None, scopes="read:statuses"
    )
    channel = f"timeline:{alice.id}"
    async with (
        sse(server, "user", alice) as user,
        sse(server, "user/notification", alice) as only,
    ):
        await publish(roost, channel, "update", status["id"])
        await publish(roost, channel, "notification", notification["id"])
        name, payload = await user.status_event()
        assert (name, payload["id"]) == ("update", status["id"])
        name, payload = await user.status_event()
        assert name == "notification"
        assert payload["id"] == notification["id"]
        assert payload["type"] == "mention"
        assert payload["account"]["username"] == "bob"
        # The notification stream carries notifications only.
        name, payload = await only.status_event()
        assert (name, payload["id"]) == ("notification", notification["id"])
    # A token that may not read notifications gets none on the user stream; nobody gets
    # someone else's.
    async with (
        sse(server, "user", statuses_only.access_token) as source,
        sse(server, "user", bob) as other,
    ):
        await publish(roost, channel, "notification", notification["id"])
        await publish(roost, channel, "update", status["id"])
        await publish(roost, f"timeline:{bob.id}", "notification", notification["id"])
        await publish(roost, f"timeline:{bob.id}", "filters_changed")
        name, payload = await source.status_event()
        assert (name, payload["id"]) == ("update", status["id"])
        assert await other.event() == ("filters_changed", "undefined")


async def test_filters_changed(roost: Roost, server: str, alice: User) -> None:
    async with sse(server, "user", alice) as source:
        await publish(roost, f"timeline:{alice.id}", "filters_changed")
        assert await source.event() == ("filters_changed", "undefined")


async def test_hashtag_stream(
    client: httpx.AsyncClient, roost: Roost, server: str, alice: User, bob: User
) -> None:
    tagged = await post(client, bob, "about #Cats")
    async with sse(server, "hashtag", alice, tag="Cats") as source:
        assert subscribers(roost, "timeline:hashtag:cats") == 1
        await publish(roost, "timeline:hashtag:cats", "update", tagged["id"])
        name, payload = await source.status_event()
        assert (name, payload["id"]) == ("update", tagged["id"])
    async with sse(server, "hashtag/local", alice, tag="cats") as source:
        assert subscribers(roost, "timeline:hashtag:cats:local") == 1


async def test_remote_and_media_streams_stay_quiet(
    client: httpx.AsyncClient,
    roost: Roost,
    server: str,
    alice: User,
    bob: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing is remote and nothing has media yet: those streams send only heartbeats."""
    monkeypatch.setattr(streaming, "HEARTBEAT_SECONDS", 0.1)
    status = await post(client, bob, "text only")
    async with (
        sse(server, "public/remote", alice) as remote,
        sse(server, "public", alice, only_media="true") as media,
        sse(server, "public", alice) as plain,
    ):
        await publish(roost, "timeline:public", "update", status["id"])
        name, _ = await plain.status_event()
        assert name == "update"
        for source in (remote, media):
            assert await source.line() == ":thump"
            assert "event:" not in source.raw


async def test_heartbeat(
    roost: Roost, server: str, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streaming, "HEARTBEAT_SECONDS", 0.05)
    async with sse(server, "user", alice) as source:
        for _ in range(3):
            assert await source.line() == ":thump"
            assert await source.line() == ""
        assert source.raw.startswith(":)\n:thump\n\n:thump\n\n")


async def test_subscription_ends_with_the_client(roost: Roost, server: str, alice: User) -> None:
    channel = f"timeline:{alice.id}"
    kill = f"timeline:access_token:{await _token_id(roost, alice.token)}"
    async with sse(server, "user", alice), sse(server, "user", alice):
        assert subscribers(roost, channel) == 2
        assert subscribers(roost, kill) == 2
    await until(lambda: subscribers(roost, channel) == 0)
    await until(lambda: subscribers(roost, kill) == 0)


async def test_revoked_token_ends_the_stream(
    roost: Roost, server: str, make_user: MakeUser
) -> None:
    user = await make_user("leaving")
    token_id = await _token_id(roost, user.token)
    async with sse(server, "user", user) as source:
        await publish(roost, f"timeline:access_token:{token_id}", "kill")
        assert await source.rest() == ""  # the stream ends, with no event
        assert subscribers(roost, f"timeline:{user.id}") == 0


async def _token_id(roost: Roost, token: str) -> int:
    from roost.oauth.queries import access_viewer

    viewer = await access_viewer(roost.db, roost.tokens, token)
    assert viewer is not None
    return viewer.token_id


# --- End to end: writes through the API publish, streams deliver ------------------------


async def test_followers_see_new_posts_live(
    client: httpx.AsyncClient, server: str, alice: User, bob: User
) -> None:
    r = await client.post(f"/api/v1/accounts/{bob.sid}/follow", headers=alice.auth)
    assert r.status_code == 200
    async with sse(server, "user", alice) as source:
        status = await post(client, bob, "fresh")
        name, payload = await source.status_event()
        assert (name, payload["id"]) == ("update", status["id"])
        r = await client.delete(f"/api/v1/statuses/{status['id']}", headers=bob.auth)
        assert r.status_code == 200
        assert await source.event() == ("delete", status["id"])


async def test_mentions_notify_live(
    client: httpx.AsyncClient, server: str, alice: User, bob: User
) -> None:
    async with sse(server, "user/notification", alice) as source:
        status = await post(client, bob, "hey @alice")
        name, payload = await source.status_event()
        assert name == "notification"
        assert payload["type"] == "mention"
        assert payload["status"]["id"] == status["id"]


async def test_public_and_hashtag_streams_live(
    client: httpx.AsyncClient, server: str, alice: User, bob: User
) -> None:
    async with (
        sse(server, "public/local", alice) as local,
        sse(server, "hashtag", alice, tag="roost") as tag,
    ):
        await post(client, bob, "followers only #roost", visibility="private")
        status = await post(client, bob, "hello #Roost")
        for source in (local, tag):
            name, payload = await source.status_event()
            assert (name, payload["id"]) == ("update", status["id"])


async def test_an_edit_reaches_followers_and_the_public_stream_live(
    client: httpx.AsyncClient, server: str, alice: User, bob: User, carol: User
) -> None:
    r = await client.post(f"/api/v1/accounts/{bob.sid}/follow", headers=alice.auth)
    assert r.status_code == 200
    status = await post(client, bob, "frist")
    async with sse(server, "user", alice) as home, sse(server, "public", carol) as public:
        r = await client.put(
            f"/api/v1/statuses/{status['id']}", json={"status": "first"}, headers=bob.auth
        )
        assert r.status_code == 200
        for source in (home, public):
            name, payload = await source.status_event()
            assert (name, payload["id"]) == ("status.update", status["id"])
            assert payload["content"] == "<p>first</p>"
            assert payload["edited_at"] is not None


async def test_direct_posts_reach_the_direct_stream_as_conversations(
    client: httpx.AsyncClient, server: str, alice: User, bob: User, carol: User
) -> None:
    async with sse(server, "direct", carol) as direct, sse(server, "direct", alice) as other:
        secret = await post(client, bob, "@carol just between us", visibility="direct")
        name, payload = await direct.status_event()
        assert name == "conversation"
        assert payload["id"] == secret["id"]
        assert payload["unread"] is True
        assert payload["last_status"]["id"] == secret["id"]
        assert [a["username"] for a in payload["accounts"]] == ["bob"]
        public = await post(client, bob, "@carol and everyone")
        # Only the direct post came: alice, not in it, hears nothing, and the public
        # post is no conversation.
        await post(client, alice, "@carol a note", visibility="direct")
        name, payload = await direct.status_event()
        assert (name, payload["last_status"]["account"]["username"]) == ("conversation", "alice")
        name, payload = await other.status_event()
        assert (name, payload["accounts"][0]["username"]) == ("conversation", "carol")
        assert public["id"] not in direct.raw


async def test_a_list_stream_is_its_owners_and_carries_its_members_posts(
    client: httpx.AsyncClient, server: str, alice: User, bob: User, carol: User
) -> None:
    await client.post(f"/api/v1/accounts/{bob.sid}/follow", headers=alice.auth)
    made = (await client.post("/api/v1/lists", json={"title": "B"}, headers=alice.auth)).json()
    await client.post(
        f"/api/v1/lists/{made['id']}/accounts", json={"account_ids": [bob.sid]},
        headers=alice.auth,
    )  # fmt: skip
    async with httpx.AsyncClient(base_url=f"http://{server}", timeout=TIMEOUT) as http:
        r = await http.get("/api/v1/streaming/list", params={"list": made["id"]},
                           headers=carol.auth)  # fmt: skip
        assert (r.status_code, r.json()["error"]) == (401, "Not authorized to stream this list")
    async with sse(server, "list", alice, list=made["id"]) as source:
        await post(client, carol, "not in the list")
        status = await post(client, bob, "in the list")
        name, payload = await source.status_event()
        assert (name, payload["id"]) == ("update", status["id"])
