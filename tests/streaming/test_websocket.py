"""The multiplexed WebSocket at /api/v1/streaming, against a real uvicorn server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from roost.instance import Roost
from roost.oauth.actions import do_create_token
from roost.oauth.queries import access_viewer
from tests.api.test_statuses import post
from tests.conftest import MakeUser, User
from tests.streaming import TIMEOUT, publish, serve, subscribers, until


@pytest.fixture
async def server(roost: Roost) -> AsyncIterator[str]:
    async with serve(roost) as host:
        yield host


@asynccontextmanager
async def websocket(
    host: str, query: str = "", *, user: User | None = None, protocol: str | None = None
) -> AsyncIterator[ClientConnection]:
    headers = {"Authorization": f"Bearer {user.token}"} if user else {}
    async with connect(
        f"ws://{host}/api/v1/streaming{query}",
        additional_headers=headers,
        subprotocols=[Subprotocol(protocol)] if protocol else None,
        open_timeout=TIMEOUT,
    ) as ws:
        yield ws


async def receive(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(TIMEOUT):
        message: dict[str, Any] = json.loads(await ws.recv())
    return message


async def send(ws: ClientConnection, **message: Any) -> None:
    await ws.send(json.dumps(message))


async def barrier(ws: ClientConnection) -> None:
    """Return once the server handled every message sent before (it answers in order)."""
    await send(ws, type="subscribe", stream="no-such-stream")
    assert await receive(ws) == {"error": "Unknown stream type", "status": 400}


# --- Connecting ----------------------------------------------------------------------------


async def test_connection_needs_a_valid_user_token(
    server: str, roost: Roost, make_user: MakeUser
) -> None:
    app_token = await do_create_token(roost.db, account_id=None, app_id=None, scopes="read")
    for query, error in (
        ("?stream=user", "Missing access token"),
        ("?access_token=nope", "Invalid access token"),
        (f"?access_token={app_token.access_token}", "Invalid access token"),
    ):
        with pytest.raises(InvalidStatus) as caught:
            async with websocket(server, query):
                pass
        # Mastodon refuses the upgrade itself with a 401.
        assert caught.value.response.status_code == 401, query
        assert json.loads(caught.value.response.body or b"{}") == {"error": error}
    with pytest.raises(InvalidStatus) as caught:
        async with websocket(server, protocol="nope"):
            pass
    assert caught.value.response.status_code == 401


async def test_trailing_slash_is_tolerated(server: str, roost: Roost, alice: User) -> None:
    async with websocket(server, "/?stream=user", user=alice) as ws:
        await barrier(ws)
        assert subscribers(roost, f"timeline:{alice.id}") == 1


@pytest.mark.parametrize("how", ["header", "query", "protocol"])
async def test_token_from_header_query_or_protocol(
    server: str, roost: Roost, alice: User, bob: User, client: httpx.AsyncClient, how: str
) -> None:
    status = await post(client, bob, "hello")
    query = f"?stream=user&access_token={alice.token}" if how == "query" else "?stream=user"
    user = alice if how == "header" else None
    protocol = alice.token if how == "protocol" else None
    async with websocket(server, query, user=user, protocol=protocol) as ws:
        # Mastodon echoes the offered subprotocol (browsers insist on it).
        assert ws.subprotocol == (alice.token if how == "protocol" else None)
        await publish(roost, f"timeline:{alice.id}", "update", status["id"])
        message = await receive(ws)
        assert message["stream"] == ["user"]
        assert message["event"] == "update"
        assert isinstance(message["payload"], str)  # a JSON document inside a string
        assert json.loads(message["payload"])["id"] == status["id"]


# --- Streams -------------------------------------------------------------------------------


async def test_subscribe_and_unsubscribe(
    server: str, roost: Roost, alice: User, bob: User, client: httpx.AsyncClient
) -> None:
    tagged = await post(client, bob, "#Cats are here")
    other = await post(client, bob, "plain")
    async with websocket(server, "?stream=public", user=alice) as ws:
        await send(ws, type="subscribe", stream="hashtag", tag="Cats")
        await barrier(ws)
        assert subscribers(roost, "timeline:hashtag:cats") == 1
        await publish(roost, "timeline:hashtag:cats", "update", tagged["id"])
        message = await receive(ws)
        assert message["stream"] == ["hashtag", "Cats"]
        assert json.loads(message["payload"])["id"] == tagged["id"]
        # Subscribing twice is harmless: one subscription, one copy of each event.
        await send(ws, type="subscribe", stream=["hashtag"], tag="Cats")
        await send(ws, type="unsubscribe", stream="hashtag", tag="Cats")
        await barrier(ws)
        assert subscribers(roost, "timeline:hashtag:cats") == 0
        await publish(roost, "timeline:hashtag:cats", "update", tagged["id"])
        await publish(roost, "timeline:public", "update", other["id"])
        message = await receive(ws)
        assert message["stream"] == ["public"]
        assert json.loads(message["payload"])["id"] == other["id"]
        # Unsubscribing from what one never subscribed to is a no-op.
        await send(ws, type="unsubscribe", stream="user")
        await barrier(ws)
        assert subscribers(roost, "timeline:public") == 1


async def test_subscription_errors_keep_the_connection(
    server: str, roost: Roost, make_user: MakeUser, bob: User, client: httpx.AsyncClient
) -> None:
    reader = await make_user("reader", scopes="read:notifications")
    async with websocket(server, "?stream=public", user=reader) as ws:
        assert await receive(ws) == {
            "error": "Access token does not have the required scopes",
            "status": 401,
        }
        # Mastodon checks scopes first: any stream but user:notification needs read:statuses.
        for request in ({"stream": "nope"}, {}, {"stream": "hashtag"}):
            await send(ws, type="subscribe", **request)
            assert await receive(ws) == {
                "error": "Access token does not have the required scopes",
                "status": 401,
            }
        await send(ws, type="subscribe", stream="user:notification")
        await ws.send("not json")
        await send(ws, type="dance")
        await ws.send("[1, 2]")
        # A barrier: once this is answered, the subscription above is in place.
        await send(ws, type="subscribe", stream="public")
        assert (await receive(ws))["status"] == 401
        await post(client, bob, f"hey @{reader.username}")
        message = await receive(ws)
        assert message["stream"] == ["user:notification"]
        assert message["event"] == "notification"
        assert subscribers(roost, "timeline:public") == 0


async def test_stream_parameters(server: str, alice: User) -> None:
    async with websocket(server, user=alice) as ws:
        for message, error, status in (
            ({"stream": "hashtag"}, "Missing tag name parameter", 400),
            ({"stream": "hashtag:local", "tag": ""}, "Missing tag name parameter", 400),
            ({"stream": "hashtag", "tag": 5}, "Missing tag name parameter", 400),
            ({"stream": "list"}, "Missing list name parameter", 400),
            ({"stream": "list", "list": "1"}, "Not authorized to stream this list", 401),
            ({"stream": "public:nope"}, "Unknown stream type", 400),
            ({"stream": 7}, "Unknown stream type", 400),
        ):
            await send(ws, type="subscribe", **message)
            assert await receive(ws) == {"error": error, "status": status}


async def test_hidden_statuses_are_not_sent(
    server: str, roost: Roost, alice: User, bob: User, carol: User, client: httpx.AsyncClient
) -> None:
    secret = await post(client, bob, "@carol only", visibility="direct")
    blocked = await post(client, carol, "from a blocked account")
    visible = await post(client, bob, "for all")
    r = await client.post(f"/api/v1/accounts/{carol.sid}/block", headers=alice.auth)
    assert r.status_code == 200
    async with websocket(server, "?stream=user", user=alice) as ws:
        await send(ws, type="subscribe", stream="public")
        await barrier(ws)
        for status in (secret, blocked):
            await publish(roost, f"timeline:{alice.id}", "update", status["id"])
            await publish(roost, "timeline:public", "update", status["id"])
        await publish(roost, "timeline:public", "update", visible["id"])
        message = await receive(ws)
        assert message["stream"] == ["public"]
        assert json.loads(message["payload"])["id"] == visible["id"]


async def test_delete_filters_changed_and_shared_channels(
    server: str, roost: Roost, alice: User, bob: User, client: httpx.AsyncClient
) -> None:
    await post(client, bob, "ping @alice")
    r = await client.get("/api/v1/notifications", headers=alice.auth)
    (notification,) = r.json()
    async with websocket(server, "?stream=user", user=alice) as ws:
        await send(ws, type="subscribe", stream="user:notification")
        await barrier(ws)
        channel = f"timeline:{alice.id}"
        assert subscribers(roost, channel) == 1  # two streams, one subscription
        await publish(roost, channel, "delete", "777")
        assert await receive(ws) == {"stream": ["user"], "event": "delete", "payload": "777"}
        await publish(roost, channel, "filters_changed")
        assert await receive(ws) == {"stream": ["user"], "event": "filters_changed"}
        await publish(roost, channel, "notification", notification["id"])
        got = [await receive(ws), await receive(ws)]
        assert sorted(m["stream"][0] for m in got) == ["user", "user:notification"]
        for m in got:
            assert m["event"] == "notification"
            assert json.loads(m["payload"])["id"] == notification["id"]
        # Leaving one of the two streams keeps the channel for the other.
        await send(ws, type="unsubscribe", stream="user:notification")
        await barrier(ws)
        assert subscribers(roost, channel) == 1
        await publish(roost, channel, "notification", notification["id"])
        await publish(roost, channel, "delete", "778")
        assert (await receive(ws))["stream"] == ["user"]
        assert (await receive(ws))["payload"] == "778"


async def test_subscriptions_end_with_the_connection(
    server: str, roost: Roost, alice: User
) -> None:
    async with websocket(server, "?stream=user", user=alice) as ws:
        await send(ws, type="subscribe", stream="hashtag", tag="x")
        await barrier(ws)
        assert subscribers(roost, f"timeline:{alice.id}") == 1
        assert subscribers(roost, "timeline:hashtag:x") == 1
    await until(lambda: subscribers(roost, f"timeline:{alice.id}") == 0)
    await until(lambda: subscribers(roost, "timeline:hashtag:x") == 0)


async def test_binary_messages_close_the_connection(server: str, alice: User) -> None:
    async with websocket(server, "?stream=user", user=alice) as ws:
        await ws.send(b"\x00\x01")
        with pytest.raises(ConnectionClosed) as caught:
            await receive(ws)
        assert caught.value.rcvd is not None
        assert caught.value.rcvd.code == 1003


async def test_revoked_token_closes_the_connection(server: str, roost: Roost, alice: User) -> None:
    viewer = await access_viewer(roost.db, roost.tokens, alice.token)
    assert viewer is not None
    async with websocket(server, "?stream=user", user=alice) as ws:
        await publish(roost, f"timeline:access_token:{viewer.token_id}", "kill")
        with pytest.raises(ConnectionClosed):
            await receive(ws)
    await until(lambda: subscribers(roost, f"timeline:{alice.id}") == 0)


# --- End to end: writes through the API publish, streams deliver ------------------------


async def test_home_notifications_and_hashtags_live(
    server: str, alice: User, bob: User, client: httpx.AsyncClient
) -> None:
    r = await client.post(f"/api/v1/accounts/{bob.sid}/follow", headers=alice.auth)
    assert r.status_code == 200
    async with websocket(server, "?stream=user", user=alice) as ws:
        await send(ws, type="subscribe", stream="hashtag:local", tag="Live")
        await barrier(ws)
        status = await post(client, bob, "going #live")
        got = {tuple(m["stream"]): m for m in [await receive(ws), await receive(ws)]}
        assert set(got) == {("user",), ("hashtag:local", "Live")}
        for m in got.values():
            assert m["event"] == "update"
            assert json.loads(m["payload"])["id"] == status["id"]
        await post(client, bob, "@alice look")
        seen = [await receive(ws), await receive(ws)]
        assert sorted(m["event"] for m in seen) == ["notification", "update"]
