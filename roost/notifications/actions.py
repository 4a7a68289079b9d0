"""Writing notifications, inside the transaction of the action that causes them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from roost.db import Database, Transaction
from roost.db.prepared import any_of
from roost.graph.queries import mute_active
from roost.graph.tables import blocks, mutes
from roost.ids import new_id
from roost.notifications.keys import in_group
from roost.notifications.tables import GROUPABLE_TYPES, MAXIMUM_GROUP_SPAN_HOURS, notifications
from roost.pubsub import Event, encode_event
from roost.statuses.tables import conversation_mutes, statuses
from roost.timeutil import utcnow

_INSERT = notifications.insert()
# The recipient's group of this kind still open, if any (one of the candidate keys).
_OPEN_GROUP = (
    sa.select(notifications.c.group_key)
    .where(
        notifications.c.account_id == sa.bindparam("account_id", type_=sa.BigInteger),
        any_of(notifications.c.group_key, "keys", text=True),
    )
    .limit(1)
)


async def notify(
    tx: Transaction,
    *,
    account_id: int,
    from_account_id: int,
    type: str,
    status_id: int | None = None,
    checked: bool = False,
) -> int | None:
    """Record one notification, unless it is about oneself (but for one's own poll that
    ended), the recipient blocks or mutes (with notifications) the sender, or the same
    event was already recorded.

    `checked`: the caller has already ruled out the recipient silencing the sender (with
    `silences`) and a duplicate (the status was made in this transaction), so only the
    INSERT runs.

    Returns the new notification's id, or None if none was made.
    """
    if account_id == from_account_id and type != "poll":  # a poll's end tells its author too
        return None
    if not checked and await _is_duplicate_or_silenced(
        tx, account_id, from_account_id, type, status_id
    ):
        return None
    notification_id = new_id()
    now = utcnow()
    await tx.execute(
        _INSERT,
        [
            {
                "id": notification_id,
                "account_id": account_id,
                "from_account_id": from_account_id,
                "type": type,
                "status_id": status_id,
                "created_at": now,
                "group_key": await group_key_for(tx, account_id, type, status_id, now),
            }
        ],
    )
    tx.publish(
        f"timeline:{account_id}", encode_event(Event(event="notification", id=str(notification_id)))
    )
    return notification_id


async def group_key_for(
    tx: Transaction, account_id: int, type: str, status_id: int | None, now: datetime
) -> str | None:
    """The group a new notification joins, as Mastodon's `set_group_key!` makes it:
    `{type}-{status id}-{hour}` for favourites and reblogs, `follow-{hour}` for follows,
    None for the types never grouped. `hour` (hours since the epoch) is that of the
    recipient's previous group of the same kind while it began less than 12 hours ago,
    so one burst of likes makes one group; otherwise the current hour starts a new one.

    Mastodon keeps the previous hour in Redis; here it is read back from the table. Two
    groups of one kind are at least 12 hours apart, so of the 12 keys the open group may
    have, at most one exists: one indexed lookup finds it.
    """
    if type not in GROUPABLE_TYPES or (type != "follow" and status_id is None):
        return None
    prefix = "follow" if type == "follow" else f"{type}-{status_id}"
    hour = int(now.replace(tzinfo=UTC).timestamp()) // 3600
    candidates = [f"{prefix}-{h}" for h in range(hour - MAXIMUM_GROUP_SPAN_HOURS + 1, hour + 1)]
    found = await tx.fetch_one(_OPEN_GROUP, {"account_id": account_id, "keys": candidates})
    return str(found.group_key) if found is not None else f"{prefix}-{hour}"


def silences(recipient: Any, sender: Any, now: Any = None) -> sa.ColumnElement[bool]:
    """SQL condition: `recipient` blocks `sender`, or mutes them with notifications (ids,
    columns or bind parameters; `now` as for `mute_active`)."""
    return sa.or_(
        sa.exists().where(blocks.c.account_id == recipient, blocks.c.target_account_id == sender),
        sa.exists().where(
            mutes.c.account_id == recipient,
            mutes.c.target_account_id == sender,
            mutes.c.hide_notifications.is_(True),
            mute_active(now),
        ),
    )


def thread_muted(recipient: Any, status_id: Any) -> sa.ColumnElement[bool]:
    """SQL condition: `recipient` muted the conversation `status_id` belongs to (POST
    /api/v1/statuses/:id/mute): nothing about that thread notifies them."""
    return sa.exists().where(
        statuses.c.id == status_id,
        conversation_mutes.c.account_id == recipient,
        conversation_mutes.c.conversation_id == statuses.c.conversation_id,
    )


async def _is_duplicate_or_silenced(
    tx: Transaction, account_id: int, from_account_id: int, type: str, status_id: int | None
) -> bool:
    silenced = await tx.fetch_one(
        sa.select(sa.literal(1)).where(
            sa.or_(
                silences(account_id, from_account_id),
                thread_muted(account_id, status_id if status_id is not None else -1),
            )
        )
    )
    if silenced is not None:
        return True
    existing = await tx.fetch_one(
        sa.select(notifications.c.id).where(
            notifications.c.account_id == account_id,
            notifications.c.type == type,
            notifications.c.from_account_id == from_account_id,
            notifications.c.status_id.is_(None)
            if status_id is None
            else notifications.c.status_id == status_id,
        )
    )
    return existing is not None


async def unnotify(
    tx: Transaction, *, account_id: int, from_account_id: int, type: str, status_id: int | None
) -> None:
    """Remove a notification whose cause was undone (unfavourite, withdrawn follow request)."""
    cond = [
        notifications.c.account_id == account_id,
        notifications.c.from_account_id == from_account_id,
        notifications.c.type == type,
    ]
    if status_id is not None:
        cond.append(notifications.c.status_id == status_id)
    await tx.execute(notifications.delete().where(*cond))


async def do_dismiss_notifications(
    db: Database, account_id: int, notification_id: int | None = None
) -> None:
    """Delete one of the account's notifications, or all of them (`notification_id` None)."""
    cond = [notifications.c.account_id == account_id]
    if notification_id is not None:
        cond.append(notifications.c.id == notification_id)
    await db.execute(notifications.delete().where(*cond))


async def do_dismiss_group(db: Database, account_id: int, group_key: str) -> None:
    """Delete every notification of one of the account's groups (a group key as
    `/api/v2/notifications` gives it: `ungrouped-{id}` is that one notification)."""
    await db.execute(notifications.delete().where(in_group(account_id, group_key)))
