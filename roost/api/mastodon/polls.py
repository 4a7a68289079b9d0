"""/api/v1/polls: read a poll, and vote in it."""

from __future__ import annotations

from starlette.responses import Response

from roost.api.http import Api, ApiRequest
from roost.errors import NotFound
from roost.http.responses import json_response
from roost.polls.actions import access_poll, do_vote
from roost.polls.entities import MAX_OPTIONS, Poll

api = Api()


async def _poll(req: ApiRequest, status_id: int) -> Response:
    status = await req.roost.statuses.one(req.viewer_id, status_id)
    if status.poll is None:
        raise NotFound()
    return json_response(status.poll)


@api.route("/api/v1/polls/{id}", response=Poll)
async def get_poll(req: ApiRequest) -> Response:
    """View a poll (of a status the viewer may see; public ones without a token too)."""
    poll = await access_poll(req.roost.db, req.viewer_id, req.path_id())
    return await _poll(req, poll.status_id)


@api.route("/api/v1/polls/{id}/votes", "POST", scope="write:statuses", user=True, response=Poll)
async def vote(req: ApiRequest) -> Response:
    """Vote in a poll: `choices[]` are option indexes (one, or several when the poll
    allows multiple choices)."""
    choices = req.params.ints("choices", most=MAX_OPTIONS)
    status_id = await do_vote(req.roost.db, req.me_id, req.path_id(), choices)
    return await _poll(req, status_id)
