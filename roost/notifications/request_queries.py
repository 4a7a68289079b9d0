"""Reading the notification policy and the requests of filtered senders, as Mastodon's
`/api/v2/notifications/policy` and `/api/v1/notifications/requests` give them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from roost.accounts.queries import render_accounts
from roost.accounts.tables import accounts
from roost.db import Database
from roost.errors import NotFound
from roost.notifications.entities import NotificationRequest, PolicySummary
from roost.notifications.tables import (
    POLICY_DEFAULTS,
    POLICY_FIELDS,
    notification_permissions,
    notification_policies,
    notification_requests,
    notifications,
)
from roost.statuses.queries import newest_first, page
from roost.statuses.renderer import StatusRenderer
from roost.statuses.visible import Visible
from roost.timelines.queries import Paging
from roost.timeutil import iso

MAX_MEANINGFUL_COUNT = 100  # the summary counts requests up to this (as Mastodon)
_r, _n = notification_requests, notifications


def _pending(viewer_id: int) -> sa.Select[Any]:
    """The viewer's requests from senders not suspended (Mastodon's `without_suspended`)."""
    return (
        sa.select(_r)
        .join(accounts, accounts.c.id == _r.c.from_account_id)
        .where(_r.c.account_id == viewer_id, accounts.c.suspended_at.is_(None))
    )


async def access_policy(db: Database, viewer_id: int) -> tuple[dict[str, str], PolicySummary]:
    """The viewer's policy (`for_*` → accept, filter or drop) and the summary of their
    pending requests (each count up to 100)."""
    row = await db.fetch_one(
        sa.select(notification_policies).where(notification_policies.c.account_id == viewer_id)
    )
    values = {
        name: (getattr(row, name) if row else POLICY_DEFAULTS[name]) for name in POLICY_FIELDS
    }
    firsts = _pending(viewer_id).order_by(_r.c.id.desc()).limit(MAX_MEANINGFUL_COUNT).subquery()
    counts = await db.fetch_one(
        sa.select(
            sa.func.count().label("requests"),
            sa.func.coalesce(sa.func.sum(firsts.c.notifications_count), 0).label("pending"),
        )
    )
    assert counts is not None
    return values, PolicySummary(
        pending_requests_count=int(counts.requests),
        pending_notifications_count=int(counts.pending),
    )


async def list_requests(db: Database, viewer_id: int, paging: Paging) -> list[Any]:
    """A page of the viewer's requests, newest first, paged by request id."""
    query = page(
        _pending(viewer_id), _r.c.id, max_id=paging.max_id, since_id=paging.since_id,
        min_id=paging.min_id, limit=paging.limit,
    )  # fmt: skip
    rows = {int(r.id): r for r in await db.fetch_all(query)}
    return [rows[i] for i in newest_first(list(rows), paging.min_id)]


async def access_request(db: Database, viewer_id: int, request_id: int) -> Any:
    """One of the viewer's requests; NotFound for any other id."""
    row = await db.fetch_one(_pending(viewer_id).where(_r.c.id == request_id))
    if row is None:
        raise NotFound()
    return row


async def all_merged(db: Database, viewer_id: int) -> bool:
    """Have the notifications of every accepted request joined the viewer's list (none is
    left filtered from a sender they accepted)?"""
    p = notification_permissions
    left = await db.fetch_one(
        sa.select(sa.literal(1))
        .select_from(_n.join(p, sa.and_(p.c.account_id == _n.c.account_id,
                                        p.c.from_account_id == _n.c.from_account_id)))
        .where(_n.c.account_id == viewer_id, _n.c.filtered.is_(True))
        .limit(1)
    )  # fmt: skip
    return left is None


async def render_requests(
    renderer: StatusRenderer, viewer_id: int, rows: Sequence[Any]
) -> list[NotificationRequest]:
    """NotificationRequest entities, in a fixed number of queries; a request whose sender
    can no longer be shown is left out, a last status the viewer may not see is null."""
    found = await render_accounts(renderer.db, {r.from_account_id for r in rows}, renderer.base_url)
    status_ids = Visible(viewer_id, [r.last_status_id for r in rows if r.last_status_id])
    rendered = {int(s.id): s for s in await renderer.render(status_ids, "notifications")}
    out = []
    for r in rows:
        account = found.get(r.from_account_id)
        if account is None:
            continue
        out.append(
            NotificationRequest(
                id=str(r.id),
                created_at=iso(r.created_at),
                updated_at=iso(r.updated_at),
                notifications_count=str(r.notifications_count),
                account=account,
                last_status=rendered.get(r.last_status_id) if r.last_status_id else None,
            )
        )
    return out
