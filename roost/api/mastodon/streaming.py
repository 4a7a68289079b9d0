"""Mastodon's streaming API: server-sent events at /api/v1/streaming/<stream> and one
multiplexed WebSocket at /api/v1/streaming, as Mastodon's streaming server speaks them.

SSE: `:)` first, then `event: <name>` / `data: <payload>` blocks and a `:thump` comment
every HEARTBEAT_SECONDS. WebSocket: `{"stream": [...], "event": ..., "payload": "..."}`
messages; the client sends `{"type": "subscribe" | "unsubscribe", "stream": ..., "tag": ...}`.
Keep-alive pings on the WebSocket are uvicorn's (`ws_ping_interval`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import anyio
import msgspec
from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from roost.api.http import Api, ApiRequest
from roost.errors import NotFound, RoostError
from roost.http.auth import authenticate
from roost.http.params import TRUE_VALUES
from roost.http.responses import json_response
from roost.lists.queries import access_list
from roost.oauth.queries import Viewer
from roost.streaming.hub import Listener, Message
from roost.streaming.streams import Stream, StreamError, open_stream, resolve_stream

if TYPE_CHECKING:
    from roost.instance import Roost

api = Api()
log = logging.getLogger(__name__)
_encoder = msgspec.json.Encoder()

HEARTBEAT_SECONDS = 15.0  # Mastodon's `:thump` interval; tests patch it smaller

SSE_STREAMS = {
    "/api/v1/streaming/user": "user",
    "/api/v1/streaming/user/notification": "user:notification",
    "/api/v1/streaming/public": "public",
    "/api/v1/streaming/public/local": "public:local",
    "/api/v1/streaming/public/remote": "public:remote",
    "/api/v1/streaming/hashtag": "hashtag",
    "/api/v1/streaming/hashtag/local": "hashtag:local",
    "/api/v1/streaming/list": "list",
    "/api/v1/streaming/direct": "direct",
}


@api.route("/api/v1/streaming/health", summary="Streaming health check")
async def streaming_health(req: ApiRequest) -> Response:
    """Mastodon answers a bare `OK` here; clients only check the status code."""
    return PlainTextResponse("OK")


async def stream_viewer(conn: HTTPConnection) -> Viewer:
    """The user behind a streaming connection's token; StreamError (401) otherwise.

    Mastodon 4.2+ streams to user tokens only, whatever the stream.
    """
    try:
        viewer = await authenticate(conn)
    except RoostError as exc:
        raise StreamError("Invalid access token", 401) from exc
    if viewer is None and conn.scope["type"] == "http":
        # The web app's EventSource carries its session cookie, not a token. Only GET
        # streams read it, and they change nothing, so there is no CSRF to fear.
        from roost.web.session import viewer_from_session

        viewer = await viewer_from_session(conn)
    if viewer is None:
        raise StreamError("Missing access token", 401)
    if viewer.account_id is None:
        raise StreamError("Invalid access token", 401)
    return viewer


async def open_own_stream(
    roost: Roost, viewer: Viewer, name: Any, params: Mapping[str, Any]
) -> Stream:
    """`open_stream`, and a list stream only for the list's owner (Mastodon's 401)."""
    stream = open_stream(viewer, name, params)
    if stream.name == "list":
        assert viewer.account_id is not None
        try:
            await access_list(roost.db, viewer.account_id, int(stream.label[1]))
        except NotFound:
            raise StreamError("Not authorized to stream this list", 401) from None
    return stream


# --- Server-sent events -------------------------------------------------------------------


async def event_stream(request: Request) -> Response:
    """One stream as server-sent events (the stream is named by the path)."""
    name = SSE_STREAMS[request.url.path]
    if name.startswith("public") and request.query_params.get("only_media", "") in TRUE_VALUES:
        name += ":media"
    try:
        viewer = await stream_viewer(request)
        stream = await open_own_stream(request.app.state.roost, viewer, name, request.query_params)
    except StreamError as exc:
        return json_response({"error": exc.message}, exc.status)
    return EventStreamResponse(request.app.state.roost, viewer, stream)


def sse_block(message: Message) -> bytes:
    # Mastodon's SSE `filters_changed` carries the JavaScript `undefined`, as text.
    payload = "undefined" if message.payload is None else message.payload
    return f"event: {message.event}\ndata: {payload}\n\n".encode()


class EventStreamResponse(Response):
    """An endless text/event-stream; it ends when the client leaves or the token is revoked."""

    media_type = "text/event-stream"

    def __init__(self, roost: Roost, viewer: Viewer, stream: Stream) -> None:
        self.roost = roost
        self.viewer = viewer
        self.stream = stream
        self.status_code = 200
        self.background = None
        # X-Accel-Buffering: nginx would otherwise hold events back in its buffer.
        self.init_headers({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        listener = await Listener.open(self.roost, self.viewer)
        try:
            await listener.add(self.stream)
            async with anyio.create_task_group() as group:

                async def watch_disconnect() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    group.cancel_scope.cancel()

                group.start_soon(watch_disconnect)
                await send(
                    {"type": "http.response.start", "status": 200, "headers": self.raw_headers}
                )
                await _body(send, b":)\n")
                async for message in listener.messages(HEARTBEAT_SECONDS):
                    await _body(send, b":thump\n\n" if message is None else sse_block(message))
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                group.cancel_scope.cancel()
        except OSError:  # the client went away mid-write
            pass
        finally:
            with anyio.CancelScope(shield=True):
                await listener.close()


async def _body(send: Send, chunk: bytes) -> None:
    await send({"type": "http.response.body", "body": chunk, "more_body": True})


# --- WebSocket ----------------------------------------------------------------------------


async def websocket_stream(ws: WebSocket) -> None:
    """The multiplexed WebSocket: streams from `?stream=` and from subscribe messages."""
    try:
        viewer = await stream_viewer(ws)
    except StreamError as exc:
        # Mastodon refuses the upgrade with a plain HTTP 401.
        if "websocket.http.response" in ws.scope.get("extensions", {}):
            await ws.send_denial_response(json_response({"error": exc.message}, exc.status))
        else:
            await ws.close(code=4001, reason=exc.message)
        return
    session = WebSocketSession(ws, await Listener.open(ws.app.state.roost, viewer), viewer)
    try:
        # Subscribed before the handshake completes, so no event is missed after it.
        first = ws.query_params.get("stream")
        error = await session.add(first, ws.query_params) if first else None
        # Mastodon (the `ws` library) echoes the first subprotocol offered: some clients send
        # their token there, and browsers drop a connection whose protocol is not echoed.
        offered: list[str] = ws.scope.get("subprotocols") or []
        await ws.accept(subprotocol=offered[0] if offered else None)
        if error is not None:
            await session.send(error)
        await session.run()
    finally:
        with anyio.CancelScope(shield=True):
            await session.listener.close()


class WebSocketSession:
    """One WebSocket client: sends its streams' events, obeys its (un)subscribe messages."""

    def __init__(self, ws: WebSocket, listener: Listener, viewer: Viewer) -> None:
        self.ws = ws
        self.listener = listener
        self.viewer = viewer
        self._send_lock = anyio.Lock()

    async def run(self) -> None:
        async with anyio.create_task_group() as group:

            async def forward() -> None:
                async for message in self.listener.messages():
                    if message is None:
                        continue
                    body: dict[str, Any] = {"stream": list(message.stream), "event": message.event}
                    if message.payload is not None:
                        body["payload"] = message.payload
                    if not await self.send(body):
                        break
                else:  # the token was revoked, or the server is stopping ("going away")
                    await self.close(1001 if self.listener.roost.closing.is_set() else 1000)
                group.cancel_scope.cancel()

            group.start_soon(forward)
            await self.read()
            group.cancel_scope.cancel()

    async def read(self) -> None:
        """Handle client messages until the client leaves."""
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("bytes") is not None:
                await self.close(1003, "Binary messages are not supported")
                return
            try:
                data = json.loads(message.get("text") or "")
            except ValueError:
                continue  # Mastodon ignores what is not JSON
            if not isinstance(data, dict):
                continue
            params = {k: v for k, v in data.items() if k not in ("type", "stream")}
            name = _first(data.get("stream"))
            if data.get("type") == "subscribe":
                await self.subscribe(name, params)
            elif data.get("type") == "unsubscribe":
                await self.unsubscribe(name, params)

    async def add(self, name: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """Subscribe to a stream; Mastodon's error message if that cannot be."""
        try:
            stream = await open_own_stream(self.listener.roost, self.viewer, name, params)
        except StreamError as exc:
            return {"error": exc.message, "status": exc.status}
        await self.listener.add(stream)
        return None

    async def subscribe(self, name: Any, params: Mapping[str, Any]) -> None:
        error = await self.add(name, params)
        if error is not None:
            await self.send(error)

    async def unsubscribe(self, name: Any, params: Mapping[str, Any]) -> None:
        try:
            stream = resolve_stream(self.viewer, name, params)
        except StreamError as exc:
            await self.send({"error": exc.message, "status": exc.status})
            return
        await self.listener.remove(stream)

    async def send(self, body: dict[str, Any]) -> bool:
        """Send one JSON message; False if the client has gone."""
        try:
            async with self._send_lock:
                await self.ws.send_text(_encoder.encode(body).decode())
        except (WebSocketDisconnect, OSError, RuntimeError):
            return False
        return True

    async def close(self, code: int, reason: str = "") -> None:
        try:
            async with self._send_lock:
                await self.ws.close(code, reason)
        except (WebSocketDisconnect, OSError, RuntimeError):
            pass


def _first(value: Any) -> Any:
    """Mastodon takes the first of a list given as `stream`."""
    return value[0] if isinstance(value, list) and value else value


extra_routes: list[BaseRoute] = [
    *(Route(path, event_stream, methods=["GET"]) for path in SSE_STREAMS),
    WebSocketRoute("/api/v1/streaming", websocket_stream),
]
