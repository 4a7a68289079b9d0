"""/api/v1/markers, /api/v1/preferences and /api/v1/custom_emojis."""

from __future__ import annotations

from starlette.responses import Response

from roost.accounts.entities import CustomEmoji, Preferences
from roost.accounts.queries import render_preferences
from roost.api.http import Api, ApiRequest
from roost.emojis.queries import list_custom_emojis
from roost.errors import Invalid
from roost.http.responses import json_response
from roost.timelines.markers import TIMELINES, Marker, access_markers, do_save_markers

api = Api()


@api.route("/api/v1/markers", scope="read:statuses", user=True, response=dict[str, Marker])
async def get_markers(req: ApiRequest) -> Response:
    """Saved reading positions (`timeline[]` = home, notifications)."""
    timelines = [str(t) for t in req.params.list("timeline")] or list(TIMELINES)
    return json_response(await access_markers(req.roost.db, req.me_id, timelines))


@api.route("/api/v1/markers", "POST", scope="write:statuses", user=True,
           response=dict[str, Marker])  # fmt: skip
async def save_markers(req: ApiRequest) -> Response:
    """Save reading positions: `home[last_read_id]`, `notifications[last_read_id]`."""
    positions: dict[str, int] = {}
    for timeline in TIMELINES:
        value = req.params.id(f"{timeline}[last_read_id]")
        if value is not None:
            positions[timeline] = value
    if not positions:
        raise Invalid("home[last_read_id] or notifications[last_read_id] is required")
    await do_save_markers(req.roost.db, req.me_id, positions)
    return json_response(await access_markers(req.roost.db, req.me_id, list(positions)))


@api.route("/api/v1/preferences", scope="read:accounts", user=True, response=Preferences)
async def preferences(req: ApiRequest) -> Response:
    """Posting and reading defaults (set through update_credentials' `source[...]`)."""
    return json_response(await render_preferences(req.roost.db, req.me_id))


@api.route("/api/v1/custom_emojis", response=list[CustomEmoji])
async def custom_emojis(req: ApiRequest) -> Response:
    """Custom emojis of this server (added by the operator with `roost emoji add`)."""
    return json_response(await list_custom_emojis(req.roost.db))
