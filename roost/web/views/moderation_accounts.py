"""The moderation area's accounts: the searchable list of local accounts, one account's
page (its posts, reports, warnings and history, with one-click actions), and the sign-ups
waiting for approval. Every page and action needs `manage_users`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.responses import Response

from roost.db import Database
from roost.errors import NotFound, RoostError
from roost.moderation import account_actions as acts
from roost.moderation.account_queries import (
    STATES,
    AccountFilter,
    access_account_record,
    access_moderated_account,
    access_moderated_accounts,
)
from roost.moderation.staff import Staff
from roost.web.render import (
    Page,
    form_str,
    form_view,
    page_view,
    parse_id,
    read_form,
    redirect,
    render,
    safe_next,
)

PAGE_SIZE = 50
MAX_REASON = 1000
MAX_POSTS = 100  # posts deleted at once, as many as a report may hold


@dataclass(frozen=True)
class Step:
    """What one button does: `run(db, actor, account_id, reason, report_id)`, and whether
    the moderator must say why (every sanction and its undo; approving a sign-up needs no
    words)."""

    run: Callable[[Database, Staff, int, str, int | None], Awaitable[object]]
    reason_required: bool = True


def _sanction(action: str) -> Step:
    async def run(db: Database, actor: Staff, account_id: int, text: str, rid: int | None) -> None:
        await acts.do_account_action(db, actor, account_id, action, text=text, report_id=rid)

    return Step(run)


def _undo(do: Callable[..., Awaitable[object]], *, reason_required: bool = True) -> Step:
    async def run(db: Database, actor: Staff, account_id: int, text: str, rid: int | None) -> None:
        await do(db, actor, account_id, text=text)

    return Step(run, reason_required)


# The buttons of an account's page, by the last segment of the address they post to.
STEPS: dict[str, Step] = {
    "warn": _sanction("none"),
    "sensitive": _sanction("sensitive"),
    "silence": _sanction("silence"),
    "disable": _sanction("disable"),
    "suspend": _sanction("suspend"),
    "unsensitive": _undo(acts.do_unsensitive),
    "unsilence": _undo(acts.do_unsilence),
    "enable": _undo(acts.do_enable),
    "unsuspend": _undo(acts.do_unsuspend),
    "approve": _undo(acts.do_approve, reason_required=False),
    "reject": _undo(acts.do_reject, reason_required=False),
}


def _older(page: Page, path: str, last_id: int, **query: str) -> str:
    kept = {k: v for k, v in query.items() if v}
    return f"{path}?{urlencode({**kept, 'max_id': str(last_id)})}"


@page_view(login=True)
async def accounts_page(page: Page) -> Response:
    """GET /moderation/accounts: local accounts, newest first, searched by username,
    display name or email and filtered by state."""
    params = page.request.query_params
    state = params.get("state", "all")
    if state not in STATES:
        state = "all"
    text = params.get("q", "")[:100]
    found = await access_moderated_accounts(
        page.roost.db, page.staff, AccountFilter(state, text), page.base_url,
        max_id=parse_id(params.get("max_id")), limit=PAGE_SIZE,
    )  # fmt: skip
    older = None
    if len(found) == PAGE_SIZE:
        older = _older(page, "/moderation/accounts", found[-1].id, q=text, state=state)
    return render(
        page, "moderation_accounts.html", nav="moderation", tab="accounts", accounts=found,
        states=STATES, state=state, q=text, older=older,
    )  # fmt: skip


@page_view(login=True)
async def account_page(page: Page) -> Response:
    """GET /moderation/accounts/{id}: the account, its posts, reports, warnings and
    history, and the actions a moderator may take on it."""
    db, actor, account_id = page.roost.db, page.staff, page.path_id()
    shown = await access_moderated_account(db, actor, account_id, page.base_url)
    record = await access_account_record(db, actor, account_id, page.roost.statuses)
    return render(
        page, "moderation_account.html", nav="moderation", tab="accounts", target=shown,
        record=record,
    )  # fmt: skip


@page_view(login=True)
async def pending_page(page: Page) -> Response:
    """GET /moderation/pending: the sign-ups waiting for approval, with what they wrote."""
    params = page.request.query_params
    found = await access_moderated_accounts(
        page.roost.db, page.staff, AccountFilter("pending"), page.base_url,
        max_id=parse_id(params.get("max_id")), limit=PAGE_SIZE,
    )  # fmt: skip
    older = _older(page, "/moderation/pending", found[-1].id) if len(found) == PAGE_SIZE else None
    return render(
        page, "moderation_pending.html", nav="moderation", tab="pending", accounts=found,
        older=older,
    )  # fmt: skip


def _reason(page: Page, form: FormData, required: bool) -> str:
    reason = form_str(page, form, "reason", max_len=MAX_REASON).strip()
    if required and not reason:
        raise RoostError(page._("Write a reason saying why."), status=422)
    return reason


def _report_id(page: Page, form: FormData) -> int | None:
    given = form_str(page, form, "report_id", max_len=30).strip()
    if not given:
        return None
    found = parse_id(given)
    if found is None:
        raise NotFound()
    return found


@form_view()
async def account_act(page: Page) -> Response:
    """POST /moderation/accounts/{id}/{action}: one of STEPS, with the reason (required
    but for approving or rejecting a sign-up); with a `report_id`, the report it
    resolves. Back to `next`, else the account's page."""
    action = str(page.request.path_params["action"])
    step = STEPS.get(action)
    if step is None and action != "delete_posts":
        raise NotFound()
    form = await read_form(page)
    account_id = page.path_id()
    reason = _reason(page, form, step.reason_required if step else True)
    report_id = _report_id(page, form)
    db, actor = page.roost.db, page.staff
    if step is not None:
        await step.run(db, actor, account_id, reason, report_id)
    else:
        await _delete_posts(page, form, reason, report_id)
    back = f"/moderation/accounts/{account_id}"
    return redirect(safe_next(form_str(page, form, "next", max_len=2000), back))


async def _delete_posts(page: Page, form: FormData, reason: str, report_id: int | None) -> None:
    given = [v for v in form.getlist("status_ids") if isinstance(v, str)]
    ids = [i for i in (parse_id(v) for v in given[:MAX_POSTS]) if i is not None]
    if not ids:
        raise RoostError(page._("Choose the posts to delete."), status=422)
    await acts.do_delete_statuses(page.roost.db, page.staff, ids, text=reason, report_id=report_id)
