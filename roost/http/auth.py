"""Who is asking, and how often: a request's viewer, address and rate limit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection, Request

from roost.errors import RateLimited, RoostError
from roost.oauth.queries import Viewer, access_viewer, token_hash
from roost.timelines.activity import is_due, note_activity

if TYPE_CHECKING:
    from roost.instance import Roost


def instance_of(conn: HTTPConnection) -> Roost:
    """The instance serving this request (set by `create_app`)."""
    return conn.app.state.roost  # type: ignore[no-any-return]  # Starlette's state is untyped


def client_ip(request: HTTPConnection) -> str:
    """The client's address (uvicorn applies X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else "unknown"


async def authenticate(request: HTTPConnection) -> Viewer | None:
    """The viewer behind the request's (or WebSocket's) bearer token; 401 for a bad one."""
    cached = request.scope.get("roost.viewer", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]  # set below, Viewer | None
    token = None
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        token = header[7:].strip()
    elif "access_token" in request.query_params:
        token = request.query_params["access_token"]
    elif request.scope["type"] == "websocket" and request.scope.get("subprotocols"):
        # Mastodon's streaming server also takes the token as the WebSocket subprotocol.
        token = request.scope["subprotocols"][0]
    viewer = None
    if token:
        roost = instance_of(request)
        viewer = await access_viewer(roost.db, roost.tokens, token)
        if viewer is None:
            raise RoostError("The access token is invalid", status=401)
        await notice(roost, viewer, token)
    request.scope["roost.viewer"] = viewer
    return viewer


async def notice(roost: Roost, viewer: Viewer, token: str) -> None:
    """Keep the user's last activity current (about once an hour): someone back from a
    long absence has their feeds rebuilt (roost.timelines.activity)."""
    if viewer.account_id is None or not is_due(viewer.active_at):
        return
    await note_activity(
        roost.db, roost.feeds, roost.list_feeds, roost.settings.inactive_days, viewer.account_id
    )
    roost.tokens.drop(token_hash(token))  # read again, with the new time, next request


async def rate_limit(request: Request, viewer: Viewer | None) -> dict[str, str]:
    """Count this request against its token (or address); 429 past the limit.

    Returns Mastodon's X-RateLimit-* headers, which Mastodon.py reads to pace itself.
    """
    roost = instance_of(request)
    key = f"t:{viewer.token_id}" if viewer else f"ip:{client_ip(request)}"
    window = await roost.limiter.hit(key, roost.settings.rate_limit_per_5min, 300)
    reset = datetime.fromtimestamp(window.reset_at, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    headers = {
        "X-RateLimit-Limit": str(window.limit),
        "X-RateLimit-Remaining": str(window.remaining),
        "X-RateLimit-Reset": reset,
    }
    if window.exceeded:
        raise RateLimited("Too many requests", headers=headers)
    return headers
