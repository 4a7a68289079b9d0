"""/api/v1/instance/rules: the rules everyone on this server agrees to."""

from __future__ import annotations

from starlette.responses import Response

from roost.api.http import Api, ApiRequest
from roost.http.responses import json_response
from roost.moderation.entities import Rule
from roost.moderation.rules import current_rules

api = Api()


@api.route("/api/v1/instance/rules", response=list[Rule])
async def instance_rules(req: ApiRequest) -> Response:
    """The server's rules, in order."""
    return json_response(await current_rules(req.roost.db))
