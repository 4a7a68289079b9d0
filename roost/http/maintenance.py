"""Read-only mode: while the operator has it on, every write answers 503 (reads go on)."""

from __future__ import annotations

import html

from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from roost.http.responses import json_response

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RETRY_AFTER = "60"


class ReadOnly:
    """Answers writes with 503 and `Retry-After` while maintenance is on: JSON for the API
    and OAuth, a short page for the web."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in WRITES:
            message = scope["app"].state.roost.maintenance.message
            if message is not None:
                path: str = scope["path"]
                if path.startswith(("/api/", "/oauth/token", "/oauth/revoke")):
                    response = json_response(
                        {"error": message}, 503, headers={"Retry-After": RETRY_AFTER}
                    )
                else:
                    response = _page(message)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _page(message: str) -> HTMLResponse:
    """The web's answer: the message, and a way back (the form's page still works)."""
    text = html.escape(message)
    body = (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{text}</title><main><h1>{text}</h1>"
        "<p>Nothing was saved. Reading works as usual; try again in a few minutes.</p>"
        '<p><a href="/">Home</a></p></main></html>'
    )
    return HTMLResponse(body, status_code=503, headers={"Retry-After": RETRY_AFTER})
