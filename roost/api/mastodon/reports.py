"""/api/v1/reports: report an account, and some of its posts, to the moderators."""

from __future__ import annotations

from starlette.responses import Response

from roost.api.errors import ApiError
from roost.api.http import Api, ApiRequest
from roost.http.responses import json_response
from roost.moderation.entities import Report
from roost.moderation.report_queries import render_own_report
from roost.moderation.reports import MAX_STATUSES, do_report

api = Api()


def _ids(req: ApiRequest, name: str) -> list[int]:
    given = req.params.list(name)
    ids = req.params.ids(name, most=MAX_STATUSES)
    if len(ids) != len(given):  # a value that is no id names nothing the reporter can see
        raise ApiError(422, f"Validation failed: {name} holds an unknown id")
    return ids


@api.route("/api/v1/reports", "POST", scope="write:reports", user=True, response=Report)
async def file_report(req: ApiRequest) -> Response:
    """Report an account (`account_id`), some of its posts (`status_ids[]`), with a
    `comment` (at most 1000 characters), a `category` (spam, legal, violation, other) and
    for a violation the `rule_ids[]` broken; `forward` to its server."""
    p = req.params
    target = p.id("account_id")
    if target is None:
        raise ApiError(422, "Validation failed: Account can't be blank")
    report_id = await do_report(
        req.roost.db, req.me_id, target,
        status_ids=_ids(req, "status_ids"), comment=p.str("comment", "") or "",
        category=p.str("category", max_len=20), rule_ids=_ids(req, "rule_ids"),
        forward=bool(p.bool("forward", False)),
    )  # fmt: skip
    return json_response(
        await render_own_report(req.roost.db, req.me_id, report_id, req.roost.settings.base_url)
    )
