"""/api/v1/announcements: the staff's announcements, dismissing them, reacting to them."""

from __future__ import annotations

from starlette.responses import Response

from roost.announcements import actions
from roost.announcements.entities import Announcement
from roost.announcements.queries import access_announcements
from roost.api.http import Api, ApiRequest
from roost.http.responses import json_response

api = Api()


@api.route("/api/v1/announcements", user=True, response=list[Announcement])
async def announcements(req: ApiRequest) -> Response:
    """The announcements in effect, each with whether the user read it and reactions."""
    return json_response(await access_announcements(req.roost.db, req.me_id))


@api.route("/api/v1/announcements/{id}/dismiss", "POST", scope="write:accounts", user=True)
async def dismiss(req: ApiRequest) -> Response:
    """Mark an announcement read."""
    await actions.do_dismiss(req.roost.db, req.me_id, req.path_id())
    return json_response({})


@api.route(
    "/api/v1/announcements/{id}/reactions/{name}", "PUT", scope="write:favourites", user=True
)
async def add_reaction(req: ApiRequest) -> Response:
    """React to an announcement with an emoji (unicode, or a custom emoji's shortcode)."""
    await actions.do_add_reaction(req.roost.db, req.me_id, req.path_id(), str(req.path["name"]))
    return json_response({})


@api.route(
    "/api/v1/announcements/{id}/reactions/{name}", "DELETE", scope="write:favourites", user=True
)
async def remove_reaction(req: ApiRequest) -> Response:
    """Take back a reaction."""
    await actions.do_remove_reaction(req.roost.db, req.me_id, req.path_id(), str(req.path["name"]))
    return json_response({})
