"""Reports: a user reports an account (and some of its posts) to the moderators, who
take it, resolve it or reopen it. Every moderator's step is in the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from roost.accounts.queries import access_shown_account
from roost.accounts.roles import ROLES, can
from roost.accounts.tables import users
from roost.db import Database
from roost.db.prepared import any_of
from roost.errors import Invalid, NotFound
from roost.ids import new_id
from roost.moderation.audit import record
from roost.moderation.entities import CATEGORIES
from roost.moderation.rules import check_rule_ids
from roost.moderation.staff import Staff, check_can
from roost.moderation.tables import reports
from roost.notifications.actions import notify
from roost.statuses.queries import visible_ids
from roost.statuses.tables import statuses
from roost.timeutil import utcnow

MAX_COMMENT = 1000
MAX_STATUSES = 100
# The roles told of each new report (those that may handle it).
_HANDLERS = [key for key in ROLES if can(key, "manage_reports")]
_OWNED = sa.select(statuses.c.id).where(
    any_of(statuses.c.id, "ids"), statuses.c.account_id == sa.bindparam("owner")
)


def check_category(category: str | None, rule_ids: Sequence[int]) -> tuple[str, list[int]]:
    """The category (default `other`) and the rules it cites: only `violation` cites
    rules, and it must cite some."""
    category = category or "other"
    if category not in CATEGORIES:
        raise Invalid("Category is not included in the list")
    if category != "violation":
        return category, []
    if not rule_ids:
        raise Invalid("Rule ids can't be blank for a violation of the rules")
    return category, list(rule_ids)


async def _check_statuses(
    db: Database, reporter_id: int, target_id: int, status_ids: Sequence[int]
) -> list[int]:
    wanted = list(dict.fromkeys(status_ids))
    if len(wanted) > MAX_STATUSES:
        raise Invalid(f"Statuses are too many (maximum is {MAX_STATUSES})")
    if not wanted:
        return []
    seen = await visible_ids(db, reporter_id, wanted)
    owned = set(await db.scalars(_OWNED, {"ids": wanted, "owner": target_id}))
    if len(seen) != len(wanted) or any(i not in owned for i in wanted):
        raise Invalid("Statuses must be posts of the reported account that you can see")
    return wanted


async def do_report(
    db: Database,
    reporter_id: int,
    target_id: int,
    *,
    status_ids: Sequence[int] = (),
    comment: str = "",
    category: str | None = None,
    rule_ids: Sequence[int] = (),
    forward: bool = False,
) -> int:
    """File a report on `target_id` (and on some of its posts the reporter can see);
    everyone who may handle reports is notified in the same transaction. Its id.

    `forward` asks to send the report on to the account's server: every account is local
    so far, so there is nowhere to send it and `forwarded` stays false (as Mastodon for a
    local account)."""
    if target_id == reporter_id:
        raise Invalid("You cannot report your own account")
    if len(comment) > MAX_COMMENT:
        raise Invalid(f"Comment is too long (maximum is {MAX_COMMENT} characters)")
    category, rule_ids = check_category(category, rule_ids)
    await access_shown_account(db, target_id)
    posts = await _check_statuses(db, reporter_id, target_id, status_ids)
    report_id, now = new_id(), utcnow()
    async with db.transaction() as tx:
        cited = await check_rule_ids(tx, rule_ids)
        await tx.execute(
            reports.insert().values(
                id=report_id,
                account_id=reporter_id,
                target_account_id=target_id,
                status_ids=posts,
                rule_ids=cited,
                category=category,
                comment=comment,
                forwarded=False,
                created_at=now,
                updated_at=now,
            )
        )
        handlers = await tx.scalars(
            sa.select(users.c.account_id).where(users.c.role.in_(_HANDLERS))
        )
        for handler in handlers:
            await notify(tx, account_id=handler, from_account_id=reporter_id, type="admin.report")
    return report_id


async def _change(
    db: Database, actor: Staff, report_id: int, action: str, summary: str, **values: Any
) -> None:
    check_can(actor, "manage_reports")
    async with db.transaction() as tx:
        result = await tx.execute(
            reports.update().where(reports.c.id == report_id).values(updated_at=utcnow(), **values)
        )
        if not result.rowcount:
            raise NotFound()
        await record(tx, actor.account_id, action, "Report", report_id, summary)


async def do_assign(db: Database, actor: Staff, report_id: int, note: str = "") -> None:
    """Take the report on (`manage_reports`)."""
    await _change(
        db, actor, report_id, "assigned_to_self_report", note,
        assigned_account_id=actor.account_id,
    )  # fmt: skip


async def do_unassign(db: Database, actor: Staff, report_id: int, note: str = "") -> None:
    """Leave the report to anyone (`manage_reports`)."""
    await _change(db, actor, report_id, "unassigned_report", note, assigned_account_id=None)


async def do_resolve(db: Database, actor: Staff, report_id: int, note: str = "") -> None:
    """Mark the report handled (`manage_reports`)."""
    await _change(
        db, actor, report_id, "resolve_report", note,
        action_taken_at=utcnow(), action_taken_by_account_id=actor.account_id,
    )  # fmt: skip


async def do_reopen(db: Database, actor: Staff, report_id: int, note: str = "") -> None:
    """Put a handled report back in the queue (`manage_reports`)."""
    await _change(
        db, actor, report_id, "reopen_report", note,
        action_taken_at=None, action_taken_by_account_id=None,
    )  # fmt: skip


async def do_update_report(
    db: Database,
    actor: Staff,
    report_id: int,
    *,
    category: str | None,
    rule_ids: Sequence[int] | None,
    note: str = "",
) -> None:
    """Reclassify a report (`manage_reports`): its category, and the rules a violation
    cites (those given, or the ones it cited)."""
    check_can(actor, "manage_reports")
    row = await db.fetch_one(
        sa.select(reports.c.category, reports.c.rule_ids).where(reports.c.id == report_id)
    )
    if row is None:
        raise NotFound()
    category, cited = check_category(
        category or row.category, row.rule_ids if rule_ids is None else rule_ids
    )
    async with db.transaction() as tx:
        cited = await check_rule_ids(tx, cited)
        summary = note or f"category: {category}" + (f", rules: {cited}" if cited else "")
        await tx.execute(
            reports.update()
            .where(reports.c.id == report_id)
            .values(category=category, rule_ids=cited, updated_at=utcnow())
        )
        await record(tx, actor.account_id, "update_report", "Report", report_id, summary)
