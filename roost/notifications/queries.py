"""Reading notifications: the recipient's own, minus those from blocked or muted accounts
and those whose status the recipient can no longer see."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
import sqlalchemy as sa

from roost.accounts.queries import render_accounts
from roost.db import Database
from roost.errors import NotFound
from roost.graph.queries import mute_active
from roost.graph.tables import blocks, mutes
from roost.moderation.entities import AccountWarning
from roost.moderation.warnings import NOTIFICATION_TYPE, render_warnings
from roost.notifications.entities import Notification
from roost.notifications.tables import NOTIFICATION_TYPES, notifications
from roost.statuses.queries import visible_to
from roost.statuses.renderer import StatusRenderer
from roost.statuses.tables import statuses
from roost.statuses.visible import Visible
from roost.timelines.queries import Paging
from roost.timeutil import iso


def shown_to(viewer: Any, now: Any = None) -> sa.ColumnElement[bool]:
    """SQL condition on `notifications` rows: the viewer's own (`viewer` an id or a bind
    parameter), not from an account they block or mute with notifications (`now` as for
    `mute_active`), and about no status, or one they may still see."""
    n = notifications
    s = statuses.alias("ns")
    return sa.and_(
        n.c.account_id == viewer,
        ~sa.exists().where(
            blocks.c.account_id == viewer, blocks.c.target_account_id == n.c.from_account_id
        ),
        ~sa.exists().where(
            mutes.c.account_id == viewer,
            mutes.c.target_account_id == n.c.from_account_id,
            mutes.c.hide_notifications.is_(True),
            mute_active(now),
        ),
        sa.or_(
            n.c.status_id.is_(None),
            sa.exists(sa.select(s.c.id).where(s.c.id == n.c.status_id, visible_to(s, viewer))),
        ),
    )


def _visible(viewer_id: int, include_filtered: bool = True) -> sa.Select[Any]:
    query = sa.select(notifications).where(shown_to(viewer_id))
    return query if include_filtered else query.where(notifications.c.filtered.is_(False))


async def list_notifications(
    db: Database,
    viewer_id: int,
    paging: Paging,
    *,
    types: Sequence[str] = (),
    exclude_types: Sequence[str] = (),
    from_account_id: int | None = None,
    include_filtered: bool = False,
) -> list[Any]:
    """Notification rows for the viewer, newest first, filtered as Mastodon's list is
    (those held back by their notification policy only with `include_filtered`)."""
    query = _visible(viewer_id, include_filtered)
    n = notifications
    if types:
        query = query.where(n.c.type.in_([t for t in types if t in NOTIFICATION_TYPES]))
    if exclude_types:
        query = query.where(n.c.type.notin_(list(exclude_types)))
    if from_account_id is not None:
        query = query.where(n.c.from_account_id == from_account_id)
    if paging.max_id is not None:
        query = query.where(n.c.id < paging.max_id)
    if paging.since_id is not None:
        query = query.where(n.c.id > paging.since_id)
    if paging.min_id is not None:
        rows = list(
            await db.fetch_all(
                query.where(n.c.id > paging.min_id).order_by(n.c.id.asc()).limit(paging.limit)
            )
        )
        rows.reverse()
        return rows
    return list(await db.fetch_all(query.order_by(n.c.id.desc()).limit(paging.limit)))


async def access_notification(db: Database, viewer_id: int, notification_id: int) -> Any:
    row = await db.fetch_one(_visible(viewer_id).where(notifications.c.id == notification_id))
    if row is None:
        raise NotFound()
    return row


async def unread_count(
    db: Database, viewer_id: int, since_id: int | None, limit: int | None = None
) -> int:
    """How many of the viewer's notifications (not filtered) are newer than `since_id`,
    counting at most `limit` (None: all)."""
    query = _visible(viewer_id, include_filtered=False)
    if since_id is not None:
        query = query.where(notifications.c.id > since_id)
    if limit is not None:
        query = query.order_by(notifications.c.id.desc()).limit(limit)
    count = sa.select(sa.func.count()).select_from(query.subquery())
    return int(await db.scalar(count) or 0)


async def render_notifications(
    renderer: StatusRenderer, viewer_id: int, rows: Sequence[Any]
) -> list[Notification]:
    """Notification entities with their accounts and statuses, in a fixed number of queries.
    `rows` come from `list_notifications` or `access_notification`, which let through only
    notifications whose status the viewer may see."""
    accounts = await render_accounts(
        renderer.db, {r.from_account_id for r in rows}, renderer.base_url
    )
    status_ids = Visible(viewer_id, [r.status_id for r in rows if r.status_id is not None])
    rendered = {int(s.id): s for s in await renderer.render(status_ids)}
    warnings = await render_warnings(
        renderer.db, [r.id for r in rows if r.type == NOTIFICATION_TYPE], renderer.base_url
    )
    out = []
    for r in rows:
        account = accounts.get(r.from_account_id)
        if account is None:
            continue
        status = rendered.get(r.status_id) if r.status_id is not None else None
        if r.status_id is not None and status is None:
            continue
        warning: AccountWarning | msgspec.UnsetType = msgspec.UNSET
        if r.type == NOTIFICATION_TYPE:
            if r.id not in warnings:
                continue
            warning = warnings[r.id]
        out.append(
            Notification(
                id=str(r.id),
                type=r.type,
                group_key=r.group_key or f"ungrouped-{r.id}",
                created_at=iso(r.created_at),
                account=account,
                status=status,
                moderation_warning=warning,
                filtered=True if r.filtered else msgspec.UNSET,
            )
        )
    return out
