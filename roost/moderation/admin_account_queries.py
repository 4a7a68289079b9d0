"""Staff reading accounts (`GET /api/v1/admin/accounts`, v1 and v2): which accounts a
filter picks, newest first, as Admin::Account entities (two queries per page).

Every account is local so far and Roost keeps no sign-in addresses nor invites, so a
filter on remote accounts, another domain, an address or an inviter picks nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from roost.accounts.roles import ROLES
from roost.accounts.tables import accounts, users
from roost.db import Database
from roost.errors import NotFound
from roost.moderation.entities import AdminAccount
from roost.moderation.report_queries import admin_accounts
from roost.moderation.staff import Staff, check_can

STATUSES = ("active", "pending", "disabled", "silenced", "suspended", "sensitized")
_ROLE_KEYS = {str(r.id): key for key, r in ROLES.items()}


@dataclass(frozen=True)
class AccountFilter:
    """Mastodon's AccountFilter, as the v2 endpoint takes it (v1's booleans map to it)."""

    origin: str | None = None  # local, remote
    status: str | None = None  # one of STATUSES
    staff: bool = False
    role_ids: Sequence[str] = field(default_factory=tuple)
    username: str | None = None
    display_name: str | None = None
    email: str | None = None
    by_domain: str | None = None
    ip: str | None = None
    invited_by: int | None = None


def _prefix(column: sa.ColumnElement[str], value: str) -> sa.ColumnElement[bool]:
    """`column` starts with `value`, case-insensitively (LIKE's wildcards escaped)."""
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(escaped + "%", escape="\\")


def _conditions(where: AccountFilter) -> list[sa.ColumnElement[bool]] | None:
    """The WHERE conditions of the filter; None when it can pick nothing here."""
    if where.origin == "remote" or where.ip or where.invited_by is not None:
        return None
    if where.by_domain:
        return None
    a, u = accounts.c, users.c
    cond: list[sa.ColumnElement[bool]] = [u.account_id.isnot(None)]  # a local user
    status = where.status
    if status == "active":
        cond += [a.suspended_at.is_(None), u.approved.is_(True)]
    elif status == "pending":
        cond += [u.approved.is_(False), a.suspended_at.is_(None)]
    elif status == "disabled":
        cond.append(u.disabled.is_(True))
    elif status == "silenced":
        cond.append(a.silenced_at.isnot(None))
    elif status == "suspended":
        cond.append(a.suspended_at.isnot(None))
    elif status == "sensitized":
        cond.append(a.sensitized_at.isnot(None))
    if where.staff:
        cond.append(u.role.isnot(None))
    if where.role_ids:
        keys = [_ROLE_KEYS[i] for i in where.role_ids if i in _ROLE_KEYS]
        if not keys:
            return None
        cond.append(u.role.in_(keys))
    if where.username:
        cond.append(_prefix(a.username_lower, where.username.strip().lstrip("@")))
    if where.display_name:
        cond.append(_prefix(a.display_name, where.display_name.strip()))
    if where.email:
        cond.append(_prefix(u.email_lower, where.email.strip()))
    return cond


async def access_admin_accounts(
    db: Database,
    actor: Staff,
    where: AccountFilter,
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 100,
) -> list[int]:
    """A page of the ids of the accounts `where` picks, newest first (the page just
    above `min_id` when given), for staff who may manage users."""
    check_can(actor, "manage_users")
    cond = _conditions(where)
    if cond is None:
        return []
    query = (
        sa.select(accounts.c.id)
        .select_from(accounts.outerjoin(users, users.c.account_id == accounts.c.id))
        .where(*cond)
    )
    if max_id is not None:
        query = query.where(accounts.c.id < max_id)
    if since_id is not None:
        query = query.where(accounts.c.id > since_id)
    if min_id is not None:
        query = query.where(accounts.c.id > min_id).order_by(accounts.c.id.asc())
    else:
        query = query.order_by(accounts.c.id.desc())
    ids = await db.scalars(query.limit(limit))
    return sorted(ids, reverse=True)


async def render_admin_accounts(
    db: Database, actor: Staff, ids: Sequence[int], base_url: str
) -> list[AdminAccount]:
    """Admin::Account entities for `ids`, in that order (one query)."""
    check_can(actor, "manage_users")
    found = await admin_accounts(db, ids, base_url)
    return [found[i] for i in ids if i in found]


async def render_admin_account(
    db: Database, actor: Staff, account_id: int, base_url: str
) -> AdminAccount:
    """One account as staff see it; NotFound for an unknown id."""
    found = await render_admin_accounts(db, actor, [account_id], base_url)
    if not found:
        raise NotFound()
    return found[0]
