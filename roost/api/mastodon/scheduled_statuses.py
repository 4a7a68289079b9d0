"""/api/v1/scheduled_statuses: one's posts waiting for their time (list, show, move,
cancel). Scheduling itself is `scheduled_at` on POST /api/v1/statuses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.responses import Response

from roost.api.http import Api, ApiRequest, page_response
from roost.errors import Invalid
from roost.http.responses import json_response
from roost.scheduled.actions import do_cancel_scheduled, do_reschedule, parse_scheduled_at
from roost.scheduled.entities import ScheduledStatus
from roost.scheduled.queries import (
    access_scheduled,
    access_scheduled_page,
    render_scheduled,
)

api = Api()


@api.route(
    "/api/v1/scheduled_statuses", scope="read:statuses", user=True, response=list[ScheduledStatus]
)
async def list_scheduled(req: ApiRequest) -> Response:
    """One's scheduled posts, newest first (max_id / since_id / min_id / limit)."""
    p = req.params
    rows = await access_scheduled_page(
        req.roost.db, req.me_id, max_id=p.id("max_id"), since_id=p.id("since_id"),
        min_id=p.id("min_id"), limit=p.int("limit", 20, lo=1, hi=40),
    )  # fmt: skip
    first, last = (rows[0].id, rows[-1].id) if rows else (None, None)
    return page_response(req, await _render(req, rows), first, last)


@api.route(
    "/api/v1/scheduled_statuses/{id}", scope="read:statuses", user=True, response=ScheduledStatus
)
async def get_scheduled(req: ApiRequest) -> Response:
    """One of one's scheduled posts (anyone else's: 404)."""
    row = await access_scheduled(req.roost.db, req.me_id, req.path_id())
    return json_response((await _render(req, [row]))[0])


@api.route(
    "/api/v1/scheduled_statuses/{id}",
    "PUT",
    scope="write:statuses",
    user=True,
    response=ScheduledStatus,
)
async def reschedule(req: ApiRequest) -> Response:
    """Move one's scheduled post to `scheduled_at` (more than 5 minutes ahead)."""
    value = req.params.str("scheduled_at", max_len=64)
    if not value:
        raise Invalid("Scheduled at can't be blank")
    row = await do_reschedule(req.roost.db, req.me_id, req.path_id(), parse_scheduled_at(value))
    return json_response((await _render(req, [row]))[0])


@api.route("/api/v1/scheduled_statuses/{id}", "DELETE", scope="write:statuses", user=True)
async def cancel_scheduled(req: ApiRequest) -> Response:
    """Cancel one's scheduled post (answers `{}`, as Mastodon)."""
    await do_cancel_scheduled(req.roost.db, req.me_id, req.path_id())
    return json_response({})


async def _render(req: ApiRequest, rows: Sequence[Any]) -> list[ScheduledStatus]:
    return await render_scheduled(req.roost.db, rows, req.roost.media_storage)
