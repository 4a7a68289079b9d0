"""/api/v1/notifications: list, read one, dismiss, clear, unread count."""

from __future__ import annotations

from starlette.responses import Response

from roost.api.http import Api, ApiRequest, page_response
from roost.api.mastodon.statuses import paging
from roost.errors import NotFound
from roost.http.responses import json_response
from roost.notifications import queries
from roost.notifications.actions import do_dismiss_notifications
from roost.notifications.entities import Notification
from roost.timelines.markers import last_read_id

api = Api()


@api.route("/api/v1/notifications", scope="read:notifications", user=True,
           response=list[Notification])  # fmt: skip
async def list_notifications(req: ApiRequest) -> Response:
    """Notifications about the viewer (`types[]`, `exclude_types[]`, `account_id`;
    `include_filtered` adds those the notification policy held back)."""
    p = req.params
    rows = await queries.list_notifications(
        req.roost.db,
        req.me_id,
        paging(req, 40, 80),
        types=[str(t) for t in p.list("types")],
        exclude_types=[str(t) for t in p.list("exclude_types")],
        from_account_id=p.id("account_id"),
        include_filtered=bool(p.bool("include_filtered", False)),
    )
    rendered = await queries.render_notifications(req.roost.statuses, req.me_id, rows)
    rendered = await req.roost.statuses.filters.notifications(req.me_id, rendered)
    return page_response(req, rendered, rows[0].id if rows else None, rows[-1].id if rows else None)


@api.route("/api/v1/notifications/unread_count", scope="read:notifications", user=True)
async def unread_count(req: ApiRequest) -> Response:
    """How many notifications are newer than the notifications marker (or all), counting
    at most `limit` (100 by default, up to 1000, as Mastodon)."""
    limit = req.params.int("limit", 100, lo=1, hi=1000)
    marker = await last_read_id(req.roost.db, req.me_id, "notifications")
    count = await queries.unread_count(req.roost.db, req.me_id, marker, limit)
    return json_response({"count": count})


@api.route("/api/v1/notifications/{id}", scope="read:notifications", user=True,
           response=Notification)  # fmt: skip
async def get_notification(req: ApiRequest) -> Response:
    """One notification."""
    row = await queries.access_notification(req.roost.db, req.me_id, req.path_id())
    rendered = await queries.render_notifications(req.roost.statuses, req.me_id, [row])
    if not rendered:
        raise NotFound()
    return json_response(rendered[0])


@api.route("/api/v1/notifications/clear", "POST", scope="write:notifications", user=True)
async def clear(req: ApiRequest) -> Response:
    """Delete all of the viewer's notifications."""
    await do_dismiss_notifications(req.roost.db, req.me_id)
    return json_response({})


@api.route("/api/v1/notifications/{id}/dismiss", "POST", scope="write:notifications", user=True)
async def dismiss(req: ApiRequest) -> Response:
    """Delete one notification."""
    await queries.access_notification(req.roost.db, req.me_id, req.path_id())
    await do_dismiss_notifications(req.roost.db, req.me_id, req.path_id())
    return json_response({})
