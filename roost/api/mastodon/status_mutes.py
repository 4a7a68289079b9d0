"""POST /api/v1/statuses/:id/mute and /unmute: mute the thread a status belongs to."""

from __future__ import annotations

from starlette.responses import Response

from roost.api.http import Api, ApiRequest
from roost.http.responses import json_response
from roost.statuses.actions import do_mute_conversation
from roost.statuses.entities import Status

api = Api()


def _route(action: str, on: bool, summary: str) -> None:
    async def handler(req: ApiRequest) -> Response:
        status_id = await do_mute_conversation(req.roost.db, req.me_id, req.path_id(), on)
        return json_response(await req.roost.statuses.one(req.me_id, status_id))

    handler.__doc__ = summary
    api.route(
        f"/api/v1/statuses/{{id}}/{action}", "POST", scope="write:mutes", user=True,
        response=Status, summary=summary,
    )(handler)  # fmt: skip


_route("mute", True, "Mute a conversation: no notifications from its thread")
_route("unmute", False, "Unmute a conversation")
