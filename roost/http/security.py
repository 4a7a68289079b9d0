"""Headers every response carries, whatever door answered it."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Two years, subdomains included: the figure hstspreload.org asks for.
HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


class StrictTransport:
    """Tell browsers to use HTTPS only (HSTS), on an instance served over HTTPS
    (`ROOST_HTTPS`, on for any non-local domain)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_hsts(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), HSTS]
            await send(message)

        await self.app(scope, receive, send_with_hsts)
