"""Reading reports: the reporter's view of one, and the moderators' queue, rendered in
batches (a fixed number of queries per page, however many reports it holds)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from roost.accounts.queries import account_entity
from roost.accounts.roles import role_entity
from roost.accounts.tables import accounts, users
from roost.db import Database
from roost.db.prepared import any_of
from roost.errors import NotFound
from roost.moderation.entities import AdminAccount, AdminReport, Report
from roost.moderation.rules import rules_by_id
from roost.moderation.staff import Staff, check_can
from roost.moderation.tables import reports
from roost.statuses.entities import Status
from roost.statuses.renderer import StatusRenderer
from roost.statuses.tables import statuses
from roost.statuses.visible import Visible
from roost.timeutil import iso, iso_or_none

_USER_COLUMNS = ("role", "email", "locale", "approved", "reason", "disabled")
_ACCOUNTS = (
    sa.select(accounts, *(users.c[name] for name in _USER_COLUMNS))
    .select_from(accounts.outerjoin(users, users.c.account_id == accounts.c.id))
    .where(any_of(accounts.c.id, "ids"))
)
_EXISTING = sa.select(statuses.c.id).where(any_of(statuses.c.id, "ids"))


def admin_account(row: Any, base_url: str) -> AdminAccount:
    """Admin::Account of an accounts row read with its user's columns (`_ACCOUNTS`)."""
    return AdminAccount(
        id=str(row.id),
        username=row.username,
        domain=None,
        created_at=iso(row.created_at),
        email=row.email or "",
        ip=None,
        ips=[],
        locale=row.locale or "en",
        invite_request=row.reason,
        role=role_entity(row.role),
        confirmed=True,
        approved=bool(row.approved) if row.approved is not None else True,
        disabled=bool(row.disabled),
        sensitized=row.sensitized_at is not None,
        silenced=row.silenced_at is not None,
        suspended=row.suspended_at is not None,
        account=account_entity(row, base_url),
        created_by_application_id=None,
        invited_by_account_id=None,
    )


async def admin_accounts(
    db: Database, ids: Sequence[int], base_url: str
) -> dict[int, AdminAccount]:
    """Admin::Account entities by id, suspended and pending ones included (one query)."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await db.fetch_all(_ACCOUNTS, {"ids": wanted})
    return {row.id: admin_account(row, base_url) for row in rows}


def _ids(values: Any) -> list[str] | None:
    return [str(i) for i in values] if values else None


async def render_own_report(
    db: Database, reporter_id: int, report_id: int, base_url: str
) -> Report:
    """The Report entity of one of the reporter's own reports (two queries)."""
    row = await db.fetch_one(
        sa.select(reports).where(reports.c.id == report_id, reports.c.account_id == reporter_id)
    )
    if row is None:
        raise NotFound()
    target = (await admin_accounts(db, [row.target_account_id], base_url))[row.target_account_id]
    return Report(
        id=str(row.id),
        action_taken=row.action_taken_at is not None,
        action_taken_at=iso_or_none(row.action_taken_at),
        category=row.category,
        comment=row.comment,
        forwarded=bool(row.forwarded),
        created_at=iso(row.created_at),
        status_ids=[str(i) for i in row.status_ids],
        rule_ids=_ids(row.rule_ids),
        target_account=target.account,
    )


@dataclass(frozen=True)
class ReportFilter:
    """Which reports: unresolved ones (or resolved), by reporter, about an account."""

    resolved: bool = False
    account_id: int | None = None
    target_account_id: int | None = None


async def access_reports(
    db: Database,
    actor: Staff,
    where: ReportFilter,
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 100,
) -> list[Any]:
    """A page of report rows, newest first (oldest first after `min_id`), for staff who
    may handle reports."""
    check_can(actor, "manage_reports")
    taken = reports.c.action_taken_at
    query = sa.select(reports).where(taken.is_not(None) if where.resolved else taken.is_(None))
    if where.account_id is not None:
        query = query.where(reports.c.account_id == where.account_id)
    if where.target_account_id is not None:
        query = query.where(reports.c.target_account_id == where.target_account_id)
    if max_id is not None:
        query = query.where(reports.c.id < max_id)
    if since_id is not None:
        query = query.where(reports.c.id > since_id)
    if min_id is not None:
        query = query.where(reports.c.id > min_id).order_by(reports.c.id)
    else:
        query = query.order_by(reports.c.id.desc())
    rows = list(await db.fetch_all(query.limit(limit)))
    return sorted(rows, key=lambda r: r.id, reverse=True)


async def access_report(db: Database, actor: Staff, report_id: int) -> Any:
    """One report row, for staff who may handle reports; NotFound for an unknown id."""
    check_can(actor, "manage_reports")
    row = await db.fetch_one(sa.select(reports).where(reports.c.id == report_id))
    if row is None:
        raise NotFound()
    return row


async def render_admin_reports(
    db: Database, actor: Staff, rows: Sequence[Any], renderer: StatusRenderer
) -> list[AdminReport]:
    """Admin::Report entities for report rows (from `access_*`): a fixed number of
    queries for the page, whatever it holds."""
    check_can(actor, "manage_reports")
    people = {
        i for r in rows for i in (r.account_id, r.target_account_id, r.assigned_account_id,
                                  r.action_taken_by_account_id) if i is not None
    }  # fmt: skip
    found = await admin_accounts(db, list(people), renderer.base_url)
    cited = await rules_by_id(db, list({int(i) for r in rows for i in r.rule_ids}))
    posts = await _reported_statuses(db, actor, [i for r in rows for i in r.status_ids], renderer)
    return [
        AdminReport(
            id=str(r.id),
            action_taken=r.action_taken_at is not None,
            action_taken_at=iso_or_none(r.action_taken_at),
            category=r.category,
            comment=r.comment,
            forwarded=bool(r.forwarded),
            created_at=iso(r.created_at),
            updated_at=iso(r.updated_at),
            account=found[r.account_id],
            target_account=found[r.target_account_id],
            assigned_account=found.get(r.assigned_account_id) if r.assigned_account_id else None,
            action_taken_by_account=(
                found.get(r.action_taken_by_account_id) if r.action_taken_by_account_id else None
            ),
            statuses=[posts[i] for i in r.status_ids if i in posts],
            rules=[cited[int(i)] for i in r.rule_ids if int(i) in cited],
        )
        for r in rows
    ]


async def _reported_statuses(
    db: Database, actor: Staff, ids: Sequence[int], renderer: StatusRenderer
) -> dict[int, Status]:
    """The reported posts still there, rendered for the moderator: whoever they were
    addressed to, staff who handle the report read them (as on Mastodon), so these ids
    skip the visibility query on purpose, after the permission check."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    existing = set(await db.scalars(_EXISTING, {"ids": wanted}))
    shown = Visible(actor.account_id, [i for i in wanted if i in existing])
    return {int(s.id): s for s in await renderer.render(shown)}
