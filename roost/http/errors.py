"""Every error answered as JSON `{"error": "..."}` with Mastodon's status codes."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from roost.db.errors import outage_of
from roost.errors import RoostError
from roost.http.responses import json_response

log = logging.getLogger("roost")


async def roost_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RoostError)
    return json_response({"error": exc.message}, exc.status, headers=exc.headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "Record not found", 405: "Method not allowed"}.get(
        exc.status_code, str(exc.detail)
    )
    return json_response({"error": message}, exc.status_code, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    reason = outage_of(exc)
    if reason is not None:  # the database away or its disk full: not a bug, a 503
        log.warning("%s %s: %s (%s)", request.method, request.url.path, reason, exc)
        return json_response({"error": reason}, 503, headers={"Retry-After": "5"})
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return json_response({"error": "Internal server error"}, 500)


EXCEPTION_HANDLERS = {
    RoostError: roost_error,
    HTTPException: http_error,
    Exception: server_error,
}
