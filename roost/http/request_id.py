"""Request ids: every request gets one, every line logged while serving it carries it
(uvicorn's access line too), and the jobs it queues keep it (roost.jobs.queue)."""

from __future__ import annotations

import os
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roost.logs import request_id

HEADER = b"x-request-id"
# What a proxy or client may choose (a UUID, a load balancer's trace id): short, and safe to
# print in a log line or a header. Anything else is replaced.
SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def sane_request_id(value: bytes | None) -> str:
    """`value` when it is a sane request id, else a new random one (32 hex digits)."""
    if value is not None:
        text = value.decode("latin-1")
        if SANE.fullmatch(text):
            return text
    return os.urandom(16).hex()  # a uuid4's randomness, without building a UUID


class RequestId:
    """Takes the client's `X-Request-Id` (or makes one), binds it to the request's log lines
    and answers it as `X-Request-Id`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        rid = sane_request_id(dict(scope["headers"]).get(HEADER))  # dict(): C, not a loop
        header = (HEADER, rid.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        token = request_id.set(rid)
        # A WebSocket's id is on its log lines only (its accept is no HTTP response).
        await self.app(scope, receive, send_with_id if scope["type"] == "http" else send)
        # Not reset when the app raised: the 500 answer (Starlette's ServerErrorMiddleware)
        # and uvicorn's traceback are logged outside this middleware, in this context, and
        # are the lines most worth finding by request id. uvicorn serves each request in a
        # task of its own, so the id goes no further than the request.
        request_id.reset(token)
