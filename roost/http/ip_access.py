"""`no_access` IP blocks: every request from a blocked address is refused with 403, before
any other work (roost.blocks.ip_access keeps the list in memory)."""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from roost.http.responses import json_response

MESSAGE = "Access from your network is not allowed"


class NoAccess:
    """Answers 403 to clients whose address a `no_access` IP block covers: JSON for the
    API and OAuth, plain text elsewhere; WebSockets are closed before they open."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            ip = client[0] if client else "unknown"  # uvicorn applied trusted X-Forwarded-For
            if await scope["app"].state.roost.ip_access.refused(ip):
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                path: str = scope["path"]
                if path.startswith(("/api/", "/oauth/")):
                    response = json_response({"error": MESSAGE}, 403)
                else:
                    response = PlainTextResponse(MESSAGE, status_code=403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
