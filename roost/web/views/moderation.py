"""The moderation area, for staff: the reports queue, each report with the reported posts
and its history, the audit log, and the instance's rules."""

from __future__ import annotations

from starlette.responses import Response

from roost.errors import NotFound, RoostError
from roost.moderation import reports as actions
from roost.moderation.audit import access_audit_log
from roost.moderation.report_queries import (
    ReportFilter,
    access_report,
    access_reports,
    render_admin_reports,
)
from roost.moderation.rules import current_rules, do_add_rule, do_remove_rule
from roost.web.render import (
    Page,
    form_str,
    form_view,
    page_view,
    parse_id,
    read_form,
    redirect,
    render,
)

QUEUE_SIZE = 50
STEPS = {
    "assign": actions.do_assign,
    "unassign": actions.do_unassign,
    "resolve": actions.do_resolve,
    "reopen": actions.do_reopen,
}


@page_view(login=True)
async def queue(page: Page) -> Response:
    """GET /moderation/reports: unresolved reports first, then the latest resolved."""
    db, actor = page.roost.db, page.staff
    open_rows = await access_reports(db, actor, ReportFilter(), limit=QUEUE_SIZE)
    done_rows = await access_reports(db, actor, ReportFilter(resolved=True), limit=QUEUE_SIZE)
    rendered = await render_admin_reports(db, actor, [*open_rows, *done_rows], page.roost.statuses)
    return render(
        page, "moderation_reports.html", nav="moderation", tab="reports",
        unresolved=rendered[: len(open_rows)], resolved=rendered[len(open_rows) :],
    )  # fmt: skip


@page_view(login=True)
async def report(page: Page) -> Response:
    """GET /moderation/reports/{id}: the report, the reported posts, and its history."""
    db, actor, report_id = page.roost.db, page.staff, page.path_id()
    row = await access_report(db, actor, report_id)
    [shown] = await render_admin_reports(db, actor, [row], page.roost.statuses)
    history = await access_audit_log(db, actor, target=("Report", report_id))
    return render(
        page, "moderation_report.html", nav="moderation", tab="reports", report=shown,
        history=history,
    )  # fmt: skip


@form_view()
async def act(page: Page) -> Response:
    """POST /moderation/reports/{id}/{action}: assign, unassign, resolve or reopen, with
    the note that says why (required)."""
    step = STEPS.get(str(page.request.path_params["action"]))
    if step is None:
        raise NotFound()
    form = await read_form(page)
    note = form_str(page, form, "note", max_len=1000).strip()
    if not note:
        raise RoostError(page._("Write a note saying why."), status=422)
    report_id = page.path_id()
    await step(page.roost.db, page.staff, report_id, note)
    return redirect(f"/moderation/reports/{report_id}")


@page_view(login=True)
async def audit(page: Page) -> Response:
    """GET /moderation/audit: what staff did, newest first."""
    max_id = parse_id(page.request.query_params.get("max_id"))
    entries = await access_audit_log(page.roost.db, page.staff, max_id=max_id, limit=100)
    older = f"/moderation/audit?max_id={entries[-1].id}" if len(entries) == 100 else None
    return render(
        page, "moderation_audit.html", nav="moderation", tab="audit", entries=entries,
        older=older,
    )  # fmt: skip


@page_view(login=True)
async def rules_page(page: Page) -> Response:
    """GET /moderation/rules: the rules, and a form to add one (`manage_rules`)."""
    if not page.staff.can("manage_rules"):
        raise RoostError(page._("This action is not allowed"), status=403)
    return render(
        page, "moderation_rules.html", nav="moderation", tab="rules",
        rules=await current_rules(page.roost.db),
    )  # fmt: skip


@form_view()
async def add_rule(page: Page) -> Response:
    """POST /moderation/rules: add a rule at the end."""
    form = await read_form(page)
    text = form_str(page, form, "text", max_len=300)
    hint = form_str(page, form, "hint", max_len=1000)
    await do_add_rule(page.roost.db, page.staff, text, hint)
    return redirect("/moderation/rules")


@form_view()
async def remove_rule(page: Page) -> Response:
    """POST /moderation/rules/{id}/delete: take a rule out of force."""
    await do_remove_rule(page.roost.db, page.staff, page.path_id())
    return redirect("/moderation/rules")
