"""/api/v1/admin/reports: the moderators' reports queue (Admin::Report entities).

Reading needs the `admin:read:reports` scope (or `admin:read`), acting `admin:write:reports`
(or `admin:write`), and the account's role must grant `manage_reports`: 403 "This action is
not allowed" otherwise, as Mastodon."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response

from roost.api.http import Api, ApiRequest, page_response
from roost.http.responses import json_response
from roost.moderation import reports as actions
from roost.moderation.entities import AdminReport
from roost.moderation.report_queries import (
    ReportFilter,
    access_report,
    access_reports,
    render_admin_reports,
)

api = Api()
READ, WRITE = "admin:read:reports", "admin:write:reports"


async def _one(req: ApiRequest) -> Response:
    actor = req.staff
    row = await access_report(req.roost.db, actor, req.path_id())
    rendered = await render_admin_reports(req.roost.db, actor, [row], req.roost.statuses)
    return json_response(rendered[0])


@api.route("/api/v1/admin/reports", scope=READ, user=True, response=list[AdminReport])
async def list_reports(req: ApiRequest) -> Response:
    """Reports, newest first: unresolved ones unless `resolved`; by `account_id`, about
    `target_account_id`."""
    p, actor = req.params, req.staff
    where = ReportFilter(
        resolved=bool(p.bool("resolved", False)),
        account_id=p.id("account_id"),
        target_account_id=p.id("target_account_id"),
    )
    rows = await access_reports(
        req.roost.db, actor, where, max_id=p.id("max_id"), since_id=p.id("since_id"),
        min_id=p.id("min_id"), limit=p.int("limit", 100, lo=1, hi=200),
    )  # fmt: skip
    found = await render_admin_reports(req.roost.db, actor, rows, req.roost.statuses)
    return page_response(req, found, rows[0].id if rows else None, rows[-1].id if rows else None)


@api.route("/api/v1/admin/reports/{id}", scope=READ, user=True, response=AdminReport)
async def show_report(req: ApiRequest) -> Response:
    """One report."""
    return await _one(req)


@api.route("/api/v1/admin/reports/{id}", "PUT", scope=WRITE, user=True, response=AdminReport)
async def update_report(req: ApiRequest) -> Response:
    """Change a report's `category` and the `rule_ids[]` it cites."""
    p = req.params
    rule_ids = p.ids("rule_ids", most=100) if p.has("rule_ids") else None
    await actions.do_update_report(
        req.roost.db, req.staff, req.path_id(),
        category=p.str("category", max_len=20), rule_ids=rule_ids,
    )  # fmt: skip
    return await _one(req)


Step = Callable[..., Awaitable[None]]  # (db, actor, report_id)


def _step(path: str, step: Step, doc: str) -> None:
    async def handler(req: ApiRequest) -> Response:
        await step(req.roost.db, req.staff, req.path_id())
        return await _one(req)

    handler.__doc__ = doc
    handler.__name__ = f"report_{path}"
    api.route(f"/api/v1/admin/reports/{{id}}/{path}", "POST", scope=WRITE, user=True,
              response=AdminReport)(handler)  # fmt: skip


_step("assign_to_self", actions.do_assign, "Take the report on.")
_step("unassign", actions.do_unassign, "Leave the report to anyone.")
_step("resolve", actions.do_resolve, "Mark the report handled.")
_step("reopen", actions.do_reopen, "Put a handled report back in the queue.")
