"""Quotes of a status: listing them (for its author), and revoking one."""

from __future__ import annotations

from starlette.responses import Response

from roost.api.http import Api, ApiRequest, page_response
from roost.http.responses import json_response
from roost.statuses.entities import Status
from roost.statuses.quotes import do_revoke_quote, do_set_quote_policy, quotes_of

api = Api()


@api.route("/api/v1/statuses/{id}/quotes", scope="read:statuses", user=True, response=list[Status])
async def list_quotes(req: ApiRequest) -> Response:
    """The standing quotes of one's own status, newest first."""
    p = req.params
    ids = await quotes_of(
        req.roost.db, req.me_id, req.path_id(), max_id=p.id("max_id"),
        limit=p.int("limit", 20, lo=1, hi=40),
    )  # fmt: skip
    found = await req.roost.statuses.visible(req.me_id, ids)
    return page_response(req, found, ids[0] if ids else None, ids[-1] if ids else None)


@api.route(
    "/api/v1/statuses/{id}/quotes/{quoting_status_id}/revoke", "POST",
    scope="write:statuses", user=True, response=Status,
)  # fmt: skip
async def revoke_quote(req: ApiRequest) -> Response:
    """Take one's status out of someone's quote of it; answers the quoting status."""
    quoting_id = req.path_id("quoting_status_id")
    await do_revoke_quote(req.roost.db, req.me_id, req.path_id(), quoting_id)
    return json_response(await req.roost.statuses.one(req.me_id, quoting_id))


@api.route(
    "/api/v1/statuses/{id}/interaction_policy", "PUT", scope="write:statuses", user=True,
    response=Status,
)  # fmt: skip
async def set_interaction_policy(req: ApiRequest) -> Response:
    """Change who may quote one's status (`quote_approval_policy`: public, followers or
    nobody)."""
    policy = req.params.str("quote_approval_policy", "", max_len=20)
    await do_set_quote_policy(req.roost.db, req.me_id, req.path_id(), policy)
    return json_response(await req.roost.statuses.one(req.me_id, req.path_id()))
