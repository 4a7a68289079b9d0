"""/api/v1/admin/accounts and /api/v2/admin/accounts: staff reading accounts and acting
on them (Admin::Account entities).

Reading needs the `admin:read:accounts` scope (or `admin:read`), acting
`admin:write:accounts` (or `admin:write`), and the account's role must grant
`manage_users` (deleting data: `delete_user_data`) and stand above the target's: 403
"This action is not allowed" otherwise, as Mastodon."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response

from roost.api.http import Api, ApiRequest, page_response
from roost.http.responses import json_response
from roost.moderation import account_actions as actions
from roost.moderation.admin_account_queries import (
    AccountFilter,
    access_admin_accounts,
    render_admin_account,
    render_admin_accounts,
)
from roost.moderation.entities import AdminAccount

api = Api()
READ, WRITE = "admin:read:accounts", "admin:write:accounts"
V1_STATUSES = ("active", "pending", "disabled", "silenced", "suspended", "sensitized")


async def _one(req: ApiRequest, account_id: int | None = None) -> Response:
    found = await render_admin_account(
        req.roost.db, req.staff, account_id or req.path_id(), req.roost.settings.base_url
    )
    return json_response(found)


async def _page(req: ApiRequest, where: AccountFilter) -> Response:
    p, actor = req.params, req.staff
    ids = await access_admin_accounts(
        req.roost.db, actor, where, max_id=p.id("max_id"), since_id=p.id("since_id"),
        min_id=p.id("min_id"), limit=p.int("limit", 100, lo=1, hi=200),
    )  # fmt: skip
    found = await render_admin_accounts(req.roost.db, actor, ids, req.roost.settings.base_url)
    return page_response(req, found, ids[0] if ids else None, ids[-1] if ids else None)


def _text(req: ApiRequest, name: str) -> str | None:
    value: str | None = req.params.str(name, max_len=320)
    return value.strip() or None if value is not None else None


@api.route("/api/v1/admin/accounts", scope=READ, user=True, response=list[AdminAccount])
async def list_accounts_v1(req: ApiRequest) -> Response:
    """Accounts, newest first (deprecated v1 filters: `local`, `remote`, `active`,
    `pending`, `disabled`, `silenced`, `suspended`, `sensitized`, `staff`, `username`,
    `display_name`, `email`, `ip`)."""
    p = req.params
    status = next((s for s in V1_STATUSES if p.bool(s, False)), None)
    where = AccountFilter(
        origin="remote" if p.bool("remote", False) else None,
        status=status,
        staff=bool(p.bool("staff", False)),
        username=_text(req, "username"),
        display_name=_text(req, "display_name"),
        email=_text(req, "email"),
        ip=_text(req, "ip"),
        by_domain=_text(req, "by_domain"),
    )
    return await _page(req, where)


@api.route("/api/v2/admin/accounts", scope=READ, user=True, response=list[AdminAccount])
async def list_accounts_v2(req: ApiRequest) -> Response:
    """Accounts, newest first, by `origin` (local, remote), `status` (active, pending,
    disabled, silenced, suspended), `permissions` (staff), `role_ids[]`, `invited_by`,
    `username`, `display_name`, `by_domain`, `email`, `ip`."""
    p = req.params
    where = AccountFilter(
        origin=_text(req, "origin"),
        status=_text(req, "status"),
        staff=_text(req, "permissions") == "staff",
        role_ids=[str(v) for v in p.list("role_ids")][:20],
        invited_by=p.id("invited_by"),
        username=_text(req, "username"),
        display_name=_text(req, "display_name"),
        email=_text(req, "email"),
        ip=_text(req, "ip"),
        by_domain=_text(req, "by_domain"),
    )
    return await _page(req, where)


@api.route("/api/v1/admin/accounts/{id}", scope=READ, user=True, response=AdminAccount)
async def show_account(req: ApiRequest) -> Response:
    """One account, suspended or pending ones included."""
    return await _one(req)


@api.route("/api/v1/admin/accounts/{id}/action", "POST", scope=WRITE, user=True)
async def account_action(req: ApiRequest) -> Response:
    """Act on the account: `type` none, sensitive, disable, silence or suspend, with
    `text`, `report_id` and `send_email_notification` (default true); answers `{}`.
    `warning_preset_id` is accepted and left aside (Roost has no presets)."""
    p = req.params
    await actions.do_account_action(
        req.roost.db, req.staff, req.path_id(), p.str("type", "", max_len=20),
        text=p.str("text", "", max_len=actions.MAX_TEXT), report_id=p.id("report_id"),
        send_email_notification=bool(p.bool("send_email_notification", True)),
    )  # fmt: skip
    return json_response({})


Step = Callable[..., Awaitable[object]]  # (db, actor, account_id)


def _step(path: str, step: Step, doc: str) -> None:
    async def handler(req: ApiRequest) -> Response:
        account_id = req.path_id()
        if path == "reject":  # the account is gone afterwards: render it first
            before = await render_admin_account(
                req.roost.db, req.staff, account_id, req.roost.settings.base_url
            )
            await step(req.roost.db, req.staff, account_id)
            return json_response(before)
        await step(req.roost.db, req.staff, account_id)
        return await _one(req, account_id)

    handler.__doc__ = doc
    handler.__name__ = f"account_{path}"
    api.route(f"/api/v1/admin/accounts/{{id}}/{path}", "POST", scope=WRITE, user=True,
              response=AdminAccount)(handler)  # fmt: skip


_step("approve", actions.do_approve, "Approve a sign-up waiting for approval.")
_step("reject", actions.do_reject, "Reject a sign-up waiting for approval (it is deleted).")
_step("enable", actions.do_enable, "Let a disabled user sign in again.")
_step("unsilence", actions.do_unsilence, "Lift a limit on the account.")
_step("unsuspend", actions.do_unsuspend, "Lift a suspension (within 30 days).")
_step("unsensitive", actions.do_unsensitive, "Stop marking the account's posts sensitive.")


@api.route("/api/v1/admin/accounts/{id}", "DELETE", scope=WRITE, user=True, response=AdminAccount)
async def delete_account(req: ApiRequest) -> Response:
    """Delete a suspended account's data (`delete_user_data`); answers the account."""
    account_id = req.path_id()
    await actions.do_delete(req.roost.db, req.staff, account_id)
    return await _one(req, account_id)
