"""Reading local accounts as moderators see them on the web: the searchable list, the
sign-ups that wait for approval, and one account's page (its posts, reports, warnings and
history).

Every read checks `manage_users` and runs a fixed number of queries, however many rows a
page holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from roost.accounts.entities import Account
from roost.accounts.queries import account_entity
from roost.accounts.tables import accounts, users
from roost.db import Database
from roost.errors import NotFound
from roost.moderation.audit import AuditEntry, access_audit_log
from roost.moderation.staff import Staff, check_can
from roost.moderation.tables import account_warnings, reports
from roost.statuses.entities import Status
from roost.statuses.renderer import StatusRenderer
from roost.statuses.tables import statuses
from roost.statuses.visible import Visible

# Which accounts a list shows: every local one, or those in one state.
STATES = ("all", "active", "pending", "silenced", "suspended", "disabled", "staff")
RECENT_POSTS = 20
RECENT_REPORTS = 50
RECENT_WARNINGS = 50
HISTORY = 100

_ROWS = sa.select(
    accounts,
    users.c.email,
    users.c.role,
    users.c.approved,
    users.c.reason,
    users.c.disabled,
).select_from(accounts.join(users, users.c.account_id == accounts.c.id))


@dataclass(frozen=True)
class ModeratedAccount:
    """A local account as moderators see it: its profile, email, role and states."""

    id: int
    username: str
    email: str
    role: str | None
    created_at: datetime
    reason: str | None  # what the sign-up said, with ROOST_REGISTRATIONS=approval
    pending: bool  # waits for approval
    suspended: bool
    silenced: bool
    sensitized: bool
    disabled: bool
    account: Account  # the profile, rendered

    @property
    def states(self) -> list[str]:
        """The states it is in, for badges (none: an ordinary active account)."""
        flags = {
            "pending": self.pending,
            "suspended": self.suspended,
            "silenced": self.silenced,
            "sensitized": self.sensitized,
            "disabled": self.disabled,
        }
        return [name for name, on in flags.items() if on]


def _moderated(row: Any, base_url: str) -> ModeratedAccount:
    return ModeratedAccount(
        id=row.id,
        username=row.username,
        email=row.email,
        role=row.role,
        created_at=row.created_at,
        reason=row.reason,
        pending=not row.approved,
        suspended=row.suspended_at is not None,
        silenced=row.silenced_at is not None,
        sensitized=row.sensitized_at is not None,
        disabled=bool(row.disabled),
        account=account_entity(row, base_url),
    )


@dataclass(frozen=True)
class AccountFilter:
    """Which accounts: a `state` of STATES, and text found in the username, display name
    or email (case-insensitive)."""

    state: str = "all"
    text: str = ""


def _state(state: str) -> Any:
    if state == "active":
        return sa.and_(
            users.c.approved.is_(True),
            users.c.disabled.is_(False),
            accounts.c.suspended_at.is_(None),
        )
    conditions = {
        "pending": users.c.approved.is_(False),
        "silenced": accounts.c.silenced_at.is_not(None),
        "suspended": accounts.c.suspended_at.is_not(None),
        "disabled": users.c.disabled.is_(True),
        "staff": users.c.role.is_not(None),
    }
    return conditions.get(state, sa.true())


async def access_moderated_accounts(
    db: Database,
    actor: Staff,
    where: AccountFilter,
    base_url: str,
    *,
    max_id: int | None = None,
    limit: int = 50,
) -> list[ModeratedAccount]:
    """A page of local accounts, newest first (those older than `max_id`), for staff who
    may manage users (one query)."""
    check_can(actor, "manage_users")
    query = _ROWS.where(_state(where.state))
    text = where.text.strip().lstrip("@").lower()
    if text:
        query = query.where(
            sa.or_(
                accounts.c.username_lower.contains(text, autoescape=True),
                sa.func.lower(accounts.c.display_name).contains(text, autoescape=True),
                users.c.email_lower.contains(text, autoescape=True),
            )
        )
    if max_id is not None:
        query = query.where(accounts.c.id < max_id)
    rows = await db.fetch_all(query.order_by(accounts.c.id.desc()).limit(limit))
    return [_moderated(row, base_url) for row in rows]


async def access_moderated_account(
    db: Database, actor: Staff, account_id: int, base_url: str
) -> ModeratedAccount:
    """One local account, whatever its state, for staff who may manage users; NotFound
    for an unknown id."""
    check_can(actor, "manage_users")
    row = await db.fetch_one(_ROWS.where(accounts.c.id == account_id))
    if row is None:
        raise NotFound()
    return _moderated(row, base_url)


@dataclass(frozen=True)
class ReportLine:
    """A report about or by an account, as its page lists it."""

    id: int
    reporter: str  # usernames
    target: str
    about: bool  # the report is about the account (else: by it)
    category: str
    comment: str
    resolved: bool
    created_at: datetime


@dataclass(frozen=True)
class WarningLine:
    """A warning or sanction the account was given, with the moderator's words."""

    id: int
    action: str  # none (a warning), sensitive, disable, silence, suspend, delete_statuses
    text: str
    report_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class AccountRecord:
    """All a moderator's account page shows beyond the profile."""

    posts: list[Status]
    reports: list[ReportLine]
    warnings: list[WarningLine]
    history: list[AuditEntry]


_reporter = accounts.alias("reporter")
_target = accounts.alias("target")
_REPORTS = (
    sa.select(
        reports.c.id,
        reports.c.account_id,
        reports.c.category,
        reports.c.comment,
        reports.c.action_taken_at,
        reports.c.created_at,
        _reporter.c.username.label("reporter"),
        _target.c.username.label("target"),
    )
    .select_from(
        reports.join(_reporter, _reporter.c.id == reports.c.account_id).join(
            _target, _target.c.id == reports.c.target_account_id
        )
    )
    .where(
        sa.or_(
            reports.c.account_id == sa.bindparam("account"),
            reports.c.target_account_id == sa.bindparam("account"),
        )
    )
    .order_by(reports.c.id.desc())
    .limit(RECENT_REPORTS)
)
# What a moderator reads of an account's posts: all but its direct messages (as Mastodon's
# admin pages), whoever else they were addressed to; so these ids skip the visibility
# query on purpose, after the permission check.
_POSTS = (
    sa.select(statuses.c.id)
    .where(statuses.c.account_id == sa.bindparam("account"), statuses.c.visibility != "direct")
    .order_by(statuses.c.id.desc())
    .limit(RECENT_POSTS)
)
_WARNINGS = (
    sa.select(account_warnings)
    .where(account_warnings.c.target_account_id == sa.bindparam("account"))
    .order_by(account_warnings.c.id.desc())
    .limit(RECENT_WARNINGS)
)


async def access_account_record(
    db: Database, actor: Staff, account_id: int, renderer: StatusRenderer
) -> AccountRecord:
    """The account's recent posts (rendered for the moderator), the reports about it and
    by it, its warnings, and the audit-log entries about it: a fixed number of queries."""
    check_can(actor, "manage_users")
    params = {"account": account_id}
    ids = await db.scalars(_POSTS, params)
    posts = await renderer.render(Visible(actor.account_id, ids))
    report_rows = await db.fetch_all(_REPORTS, params)
    warning_rows = await db.fetch_all(_WARNINGS, params)
    history = await access_audit_log(db, actor, target=("Account", account_id), limit=HISTORY)
    return AccountRecord(
        posts=posts,
        reports=[
            ReportLine(
                id=r.id,
                reporter=r.reporter,
                target=r.target,
                about=r.account_id != account_id,
                category=r.category,
                comment=r.comment,
                resolved=r.action_taken_at is not None,
                created_at=r.created_at,
            )
            for r in report_rows
        ],
        warnings=[
            WarningLine(w.id, w.action, w.text, w.report_id, w.created_at) for w in warning_rows
        ],
        history=history,
    )
