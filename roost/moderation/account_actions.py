"""Moderators acting on an account, as Mastodon's Admin::AccountAction and the admin
accounts API have it: warn, mark sensitive, disable sign-in, limit (silence), suspend,
and undo each; approve or reject a sign-up; delete a suspended account's data.

Every action is one transaction with its audit-log entry, and checks that the actor's
role grants the permission and stands above the target's (nobody acts on themselves).
The operator at the command line (`Staff.account_id` None) outranks everyone.

Where the effects are applied: a disabled user's tokens are refused by
`roost.oauth.queries.access_viewer`, sign-in by `roost.oauth.actions.login_problem`; a
silenced account's posts leave public places for non-followers through
`roost.statuses.queries.not_limited`; a sensitized account's posts render as sensitive
(`roost.statuses.render`, from the account row read with every page)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from roost.accounts import staff as users_staff
from roost.accounts.roles import outranks
from roost.accounts.tables import accounts, users
from roost.db import Database, Transaction
from roost.errors import Forbidden, Invalid, NotFound
from roost.jobs.queue import enqueue
from roost.moderation.audit import record
from roost.moderation.staff import Staff, check_can
from roost.moderation.tables import reports
from roost.moderation.warnings import warn
from roost.security.deletion import PURGE
from roost.security.tables import account_deletions
from roost.statuses.actions import remove_statuses
from roost.statuses.tables import statuses
from roost.timeutil import utcnow

ACTIONS = ("none", "sensitive", "disable", "silence", "suspend")
MAX_TEXT = 5000
MAX_STATUSES = 100
NOT_ALLOWED = "This action is not allowed"
# Mastodon's audit-log action names (Admin::ActionLogFilter).
_LOGGED = {
    "sensitive": "sensitive_account",
    "disable": "disable_user",
    "silence": "silence_account",
    "suspend": "suspend_account",
}
_TARGET = (
    sa.select(
        accounts.c.id,
        accounts.c.suspended_at,
        accounts.c.silenced_at,
        accounts.c.sensitized_at,
        users.c.account_id.label("user_id"),
        users.c.role,
        users.c.approved,
        users.c.disabled,
    )
    .select_from(accounts.outerjoin(users, users.c.account_id == accounts.c.id))
    .where(accounts.c.id == sa.bindparam("id", type_=sa.BigInteger))
)


async def _target(db: Database | Transaction, account_id: int) -> Any:
    row = await db.fetch_one(_TARGET, {"id": account_id})
    if row is None:
        raise NotFound()
    return row


def check_may_act(actor: Staff, target: Any, permission: str = "manage_users") -> None:
    """Forbidden unless the actor's role grants `permission` and outranks the target's
    (so nobody acts on themselves); the operator outranks everyone."""
    check_can(actor, permission)
    if actor.account_id is None:
        return
    if actor.account_id == target.id or not outranks(actor.role, target.role):
        raise Forbidden(NOT_ALLOWED)


async def _checked(
    db: Database, actor: Staff, account_id: int, permission: str = "manage_users"
) -> Any:
    check_can(actor, permission)  # before the lookup: a stranger learns nothing of ids
    target = await _target(db, account_id)
    check_may_act(actor, target, permission)
    return target


async def _resolve_reports(
    tx: Transaction, actor: Staff, target_id: int, report_id: int | None, every_open: bool
) -> None:
    """Resolve the report acted on and, for an action other than a plain warning, every
    open report about the account (Mastodon's AccountAction#reports)."""
    taken = reports.c.action_taken_at
    where = reports.c.id == report_id
    if every_open:
        where = sa.or_(where, sa.and_(reports.c.target_account_id == target_id, taken.is_(None)))
    resolved = await tx.fetch_all(
        reports.update()
        .where(where, taken.is_(None))
        .values(action_taken_at=utcnow(), action_taken_by_account_id=actor.account_id,
                updated_at=utcnow())
        .returning(reports.c.id)
    )  # fmt: skip
    for row in resolved:
        await record(tx, actor.account_id, "resolve_report", "Report", row.id)


async def _check_report(tx: Transaction, report_id: int | None) -> None:
    if report_id is not None:
        found = await tx.scalar(sa.select(reports.c.id).where(reports.c.id == report_id))
        if found is None:
            raise NotFound()


async def _apply(tx: Transaction, action: str, target: Any) -> None:
    now = utcnow()
    a = accounts.c
    if action == "sensitive":
        await tx.execute(
            accounts.update().where(a.id == target.id, a.sensitized_at.is_(None))
            .values(sensitized_at=now)
        )  # fmt: skip
    elif action == "silence":
        await tx.execute(
            accounts.update().where(a.id == target.id, a.silenced_at.is_(None))
            .values(silenced_at=now)
        )  # fmt: skip
    elif action == "disable":
        await tx.execute(
            users.update().where(users.c.account_id == target.id).values(disabled=True)
        )
        await users_staff.end_sessions(tx, target.id)
    elif action == "suspend":
        await users_staff.suspend(tx, target.id)


async def do_account_action(
    db: Database,
    actor: Staff,
    account_id: int,
    action: str,
    *,
    text: str = "",
    report_id: int | None = None,
    status_ids: Sequence[int] = (),
    send_email_notification: bool = True,
) -> None:
    """Take `action` on the account (Mastodon's `POST /api/v1/admin/accounts/:id/action`
    `type`): `none` (a warning), `sensitive`, `disable`, `silence` or `suspend`, with the
    reason given in `text`. With `report_id` that report is resolved, and any action but
    `none` resolves every open report about the account. A warning is recorded unless
    the action is a plain `none` with no text; the account is told of it (a
    `moderation_warning` notification) when `send_email_notification`."""
    if action not in ACTIONS:
        raise Invalid("Type is not included in the list")
    if len(text) > MAX_TEXT:
        raise Invalid(f"Text is too long (maximum is {MAX_TEXT} characters)")
    target = await _checked(db, actor, account_id)
    if action == "disable" and target.user_id is None:
        raise Forbidden(NOT_ALLOWED)
    if report_id is not None:
        check_can(actor, "manage_reports")
    async with db.transaction() as tx:
        await _check_report(tx, report_id)
        await _apply(tx, action, target)
        if action != "none" or text:
            await warn(
                tx, actor.account_id, target.id, action, text=text, report_id=report_id,
                status_ids=status_ids, tell=send_email_notification,
            )  # fmt: skip
        logged = _LOGGED.get(action, "create_account_warning")
        if action != "none" or text:
            await record(tx, actor.account_id, logged, "Account", target.id, text)
        if report_id is not None or action != "none":
            await _resolve_reports(tx, actor, target.id, report_id, action != "none")


async def _undo(
    db: Database, actor: Staff, account_id: int, logged: str, change: sa.Update, text: str
) -> bool:
    await _checked(db, actor, account_id)
    async with db.transaction() as tx:
        changed = await tx.execute(change)
        if changed.rowcount:
            await record(tx, actor.account_id, logged, "Account", account_id, text)
        return bool(changed.rowcount)


async def do_unsilence(db: Database, actor: Staff, account_id: int, *, text: str = "") -> bool:
    """Lift a limit: the account's posts show in public places again. False if it was not
    silenced (Mastodon answers 200 all the same)."""
    a = accounts.c
    change = accounts.update().where(a.id == account_id, a.silenced_at.isnot(None))
    return await _undo(
        db, actor, account_id, "unsilence_account", change.values(silenced_at=None), text
    )


async def do_unsensitive(db: Database, actor: Staff, account_id: int, *, text: str = "") -> bool:
    """Stop marking the account's posts sensitive. False if they were not."""
    a = accounts.c
    change = accounts.update().where(a.id == account_id, a.sensitized_at.isnot(None))
    return await _undo(
        db, actor, account_id, "unsensitive_account", change.values(sensitized_at=None), text
    )


async def do_enable(db: Database, actor: Staff, account_id: int, *, text: str = "") -> bool:
    """Let a disabled user sign in again; its tokens work again at once. False if it was
    not disabled."""
    target = await _checked(db, actor, account_id)
    async with db.transaction() as tx:
        changed = await tx.execute(
            users.update()
            .where(users.c.account_id == target.id, users.c.disabled.is_(True))
            .values(disabled=False)
        )
        if not changed.rowcount:
            return False
        await users_staff.forget_sessions(tx, target.id)
        await record(tx, actor.account_id, "enable_user", "Account", target.id, text)
    return True


async def do_unsuspend(db: Database, actor: Staff, account_id: int, *, text: str = "") -> None:
    """Lift a suspension (the account's data stayed); Forbidden if it is not suspended or
    its data were deleted (Mastodon's 403)."""
    await _checked(db, actor, account_id)
    async with db.transaction() as tx:
        deleted = await tx.scalar(
            sa.select(account_deletions.c.account_id).where(
                account_deletions.c.account_id == account_id,
                sa.or_(
                    account_deletions.c.finished_at.isnot(None),
                    account_deletions.c.delete_after <= utcnow(),
                ),
            )
        )
        if deleted is not None or not await users_staff.unsuspend(tx, account_id):
            raise Forbidden(NOT_ALLOWED)
        await record(tx, actor.account_id, "unsuspend_account", "Account", account_id, text)


async def do_approve(db: Database, actor: Staff, account_id: int, *, text: str = "") -> None:
    """Approve a sign-up waiting for it; Forbidden if it is not pending."""
    target = await _checked(db, actor, account_id)
    if target.user_id is None or target.approved:
        raise Forbidden(NOT_ALLOWED)
    async with db.transaction() as tx:
        if not await users_staff.approve(tx, account_id):
            raise Forbidden(NOT_ALLOWED)
        await record(tx, actor.account_id, "approve_user", "Account", account_id, text)


async def do_reject(db: Database, actor: Staff, account_id: int, *, text: str = "") -> None:
    """Reject a sign-up waiting for approval: the account is deleted outright (it never
    posted nor followed), its name free again. Forbidden if it is not pending."""
    target = await _checked(db, actor, account_id)
    if target.user_id is None or target.approved:
        raise Forbidden(NOT_ALLOWED)
    async with db.transaction() as tx:
        await users_staff.end_sessions(tx, account_id)
        gone = await tx.execute(
            accounts.delete().where(
                accounts.c.id == account_id,
                sa.exists().where(users.c.account_id == account_id, users.c.approved.is_(False)),
            )
        )
        if not gone.rowcount:
            raise Forbidden(NOT_ALLOWED)
        await record(tx, actor.account_id, "reject_user", "Account", account_id, text)


async def do_delete(db: Database, actor: Staff, account_id: int) -> None:
    """Delete a suspended account's data now (`delete_user_data`): the `purge_account`
    job removes it a batch at a time, as for an owner's own deletion, leaving the account
    row as a tombstone. Forbidden unless it is suspended and not deleted already."""
    target = await _checked(db, actor, account_id, "delete_user_data")
    if target.suspended_at is None:
        raise Forbidden(NOT_ALLOWED)
    now = utcnow()
    async with db.transaction() as tx:
        finished = await tx.scalar(
            sa.select(account_deletions.c.finished_at).where(
                account_deletions.c.account_id == account_id
            )
        )
        if finished is not None:
            raise Forbidden(NOT_ALLOWED)
        await tx.execute(
            account_deletions.delete().where(account_deletions.c.account_id == account_id)
        )
        # Requested now, after the suspension: the job sees a standing request.
        await tx.execute(
            account_deletions.insert().values(
                account_id=account_id, requested_at=now, delete_after=now
            )
        )
        await enqueue(tx, PURGE, {"account": account_id})
        await record(tx, actor.account_id, "destroy_account", "Account", account_id)


async def do_delete_statuses(
    db: Database,
    actor: Staff,
    status_ids: Sequence[int],
    *,
    text: str = "",
    report_id: int | None = None,
) -> None:
    """Delete posts of one account (`manage_reports`, and a role above the author's),
    with a `delete_statuses` warning that tells the author which; the report, if given,
    is resolved."""
    check_can(actor, "manage_reports")
    wanted = list(dict.fromkeys(status_ids))
    if not wanted:
        raise Invalid("Status ids can't be blank")
    if len(wanted) > MAX_STATUSES:
        raise Invalid(f"Statuses are too many (maximum is {MAX_STATUSES})")
    authors = set(
        await db.scalars(
            sa.select(statuses.c.account_id).where(statuses.c.id.in_(wanted)).distinct()
        )
    )
    if not authors:
        raise NotFound()
    if len(authors) > 1:
        raise Invalid("Statuses must be posts of one account")
    target = await _target(db, authors.pop())
    check_may_act(actor, target, "manage_reports")
    async with db.transaction() as tx:
        await _check_report(tx, report_id)
        gone = await remove_statuses(tx, target.id, wanted)
        await warn(
            tx, actor.account_id, target.id, "delete_statuses", text=text,
            report_id=report_id, status_ids=gone,
        )  # fmt: skip
        for status_id in gone:
            await record(tx, actor.account_id, "destroy_status", "Status", status_id, text)
        if report_id is not None:
            await _resolve_reports(tx, actor, target.id, report_id, False)
