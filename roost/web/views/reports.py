"""Reporting on the web: a form for an account (and one of its posts), and a clear word
that the moderators have it."""

from __future__ import annotations

from starlette.responses import Response

from roost.accounts.queries import access_account_by_username
from roost.errors import NotFound, RoostError
from roost.moderation.entities import CATEGORIES
from roost.moderation.reports import MAX_COMMENT, do_report
from roost.moderation.rules import current_rules
from roost.web.render import Page, form_str, form_view, page_view, parse_id, read_form, render


async def _target(page: Page) -> tuple[int, str]:
    name = str(page.request.path_params["name"])
    row = await access_account_by_username(page.roost.db, name)
    if row is None:
        raise NotFound()
    return int(row.id), str(row.username)


@page_view(login=True)
async def report_page(page: Page) -> Response:
    """GET /@{name}/report[?status=ID]: what is wrong with the account (or the post)."""
    target_id, username = await _target(page)
    status_id = parse_id(page.request.query_params.get("status"))
    status = None
    if status_id is not None:
        status = await page.roost.statuses.one(page.viewer_id, status_id)
        if status.account.id != str(target_id):
            raise NotFound()
    return render(
        page, "report.html", username=username, status=status, categories=CATEGORIES,
        rules=await current_rules(page.roost.db), max_comment=MAX_COMMENT,
    )  # fmt: skip


@form_view()
async def report_submit(page: Page) -> Response:
    """POST /@{name}/report: file the report, and say it was."""
    target_id, username = await _target(page)
    form = await read_form(page)
    status_id = parse_id(form_str(page, form, "status", max_len=30) or None)
    category = form_str(page, form, "category", max_len=20) or "other"
    rule_ids = [parse_id(str(v)) for v in form.getlist("rule_ids")]
    if any(r is None for r in rule_ids):
        raise RoostError(page._("Choose the rules that were broken."), status=422)
    if category == "violation" and not rule_ids:
        raise RoostError(page._("Choose the rules that were broken."), status=422)
    await do_report(
        page.roost.db, page.me_id, target_id,
        status_ids=[status_id] if status_id is not None else [],
        comment=form_str(page, form, "comment", max_len=MAX_COMMENT), category=category,
        rule_ids=[r for r in rule_ids if r is not None],
    )  # fmt: skip
    return render(page, "report_sent.html", username=username)
