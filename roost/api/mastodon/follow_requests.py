"""/api/v1/follow_requests: the requests to follow a locked account, and answering them."""

from __future__ import annotations

from starlette.responses import Response

from roost.accounts.entities import Account
from roost.api.http import Api, ApiRequest
from roost.api.mastodon.accounts import account_page, list_args
from roost.graph.actions import do_authorize_follow_request, do_reject_follow_request
from roost.graph.entities import Relationship
from roost.graph.queries import access_own_list
from roost.http.responses import json_response

api = Api()


@api.route("/api/v1/follow_requests", scope="read:follows", user=True, response=list[Account])
async def follow_requests(req: ApiRequest) -> Response:
    """Accounts asking to follow the viewer, newest request first."""
    page = await access_own_list(req.roost.db, req.me_id, "requests", **list_args(req))
    return await account_page(req, page)


@api.route("/api/v1/follow_requests/{account_id}/authorize", "POST", scope="write:follows",
           user=True, response=Relationship)  # fmt: skip
async def authorize(req: ApiRequest) -> Response:
    """Accept the request of the account `account_id`."""
    requester = req.path_id("account_id")
    return json_response(await do_authorize_follow_request(req.roost.db, req.me_id, requester))


@api.route("/api/v1/follow_requests/{account_id}/reject", "POST", scope="write:follows",
           user=True, response=Relationship)  # fmt: skip
async def reject(req: ApiRequest) -> Response:
    """Refuse the request of the account `account_id`."""
    requester = req.path_id("account_id")
    return json_response(await do_reject_follow_request(req.roost.db, req.me_id, requester))
