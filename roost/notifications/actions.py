"""Writing notifications, inside the transaction of the action that causes them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from roost.db import Database, Transaction
from roost.db.dialect import insert_or_ignore, upsert
from roost.db.prepared import any_of
from roost.errors import Invalid
from roost.ids import new_id
from roost.notifications import group_counts, policy
from roost.notifications.keys import in_group
from roost.notifications.policy import silences as silences  # compose.py reads it here
from roost.notifications.tables import (
    GROUPABLE_TYPES,
    MAXIMUM_GROUP_SPAN_HOURS,
    POLICY_FIELDS,
    POLICY_VALUES,
    notification_permissions,
    notification_policies,
    notification_requests,
    notifications,
)
from roost.pubsub import Event, encode_event
from roost.push import hooks as push_hooks
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
    ended), the recipient blocks or mutes (with notifications) the sender, the same event
    was already recorded, or the recipient's notification policy drops it. One the policy
    filters is recorded as `filtered`, told to nobody, and (a mention) counted in the
    sender's notification request.

    `checked`: the caller has already ruled out the recipient silencing the sender (with
    `silences`) and a duplicate (the status was made in this transaction), so only the
    policy is read.

    Returns the new notification's id, or None if none was made.
    """
    # A poll's end tells its author too; a moderation warning comes "from" its recipient.
    if account_id == from_account_id and type not in ("poll", "moderation_warning"):
        return None
    now = utcnow()
    found = await tx.fetch_one(
        policy.conditions(not checked, status_id is not None),
        {
            "recipient": account_id,
            "sender": from_account_id,
            "status": status_id,
            "type": type,
            "now": now,
        },
    )
    if found is None or (not checked and (found.silenced or found.duplicate)):
        return None
    if account_id == from_account_id:
        outcome = "accept"
    else:
        outcome = await policy.verdict(
            tx, found, recipient=account_id, sender=from_account_id, type=type, now=now
        )
    if outcome == "drop":
        return None
    notification_id = new_id()
    group_key = await group_key_for(tx, account_id, type, status_id, now)
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
                "group_key": group_key,
                "filtered": outcome == "filter",
            }
        ],
    )
    if group_key is not None and outcome != "filter":
        await group_counts.joined(
            tx,
            account_id=account_id,
            group_key=group_key,
            type=type,
            status_id=status_id,
            notification_id=notification_id,
        )
    if outcome == "filter":
        if type == "mention":
            await _update_request(tx, account_id, from_account_id, status_id, now)
        return notification_id
    tx.publish(
        f"timeline:{account_id}", encode_event(Event(event="notification", id=str(notification_id)))
    )
    await push_hooks.notification_created(
        tx, account_id=account_id, notification_id=notification_id, type=type
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
    await _delete(tx, account_id, *cond)


async def _delete(tx: Transaction, account_id: int, *cond: sa.ColumnElement[bool]) -> None:
    """Delete the account's notifications that meet `cond`, their groups' counts too."""
    gone = await tx.fetch_all(
        notifications.delete()
        .where(*cond)
        .returning(notifications.c.group_key, notifications.c.filtered)
    )
    await group_counts.removed(tx, account_id, gone)


async def forget_account(tx: Transaction, account_id: int) -> None:
    """An account being deleted: its notifications, and those it caused others (their
    groups' counts brought down), go."""
    await tx.execute(notifications.delete().where(notifications.c.account_id == account_id))
    await group_counts.cleared(tx, account_id)
    gone = await tx.fetch_all(
        notifications.delete()
        .where(notifications.c.from_account_id == account_id)
        .returning(notifications.c.account_id, notifications.c.group_key, notifications.c.filtered)
    )
    by_recipient: dict[int, list[Any]] = {}
    for row in gone:
        by_recipient.setdefault(int(row.account_id), []).append(row)
    for recipient, rows in by_recipient.items():
        await group_counts.removed(tx, recipient, rows)


async def do_dismiss_notifications(
    db: Database, account_id: int, notification_id: int | None = None
) -> None:
    """Delete one of the account's notifications, or all of them (`notification_id` None)."""
    async with db.transaction() as tx:
        if notification_id is None:
            await tx.execute(notifications.delete().where(notifications.c.account_id == account_id))
            await group_counts.cleared(tx, account_id)
            return
        await _delete(
            tx,
            account_id,
            notifications.c.account_id == account_id,
            notifications.c.id == notification_id,
        )


async def do_dismiss_group(db: Database, account_id: int, group_key: str) -> None:
    """Delete every notification of one of the account's groups (a group key as
    `/api/v2/notifications` gives it: `ungrouped-{id}` is that one notification)."""
    async with db.transaction() as tx:
        await _delete(tx, account_id, in_group(account_id, group_key))


MAX_MEANINGFUL_COUNT = 100  # a request counts its notifications up to this (as Mastodon)
_n, _r = notifications, notification_requests
_FILTERED_MENTIONS = sa.select(sa.func.count()).select_from(
    sa.select(_n.c.id)
    .where(
        _n.c.account_id == sa.bindparam("account_id", type_=sa.BigInteger),
        _n.c.type == "mention",
        _n.c.from_account_id == sa.bindparam("from_account_id", type_=sa.BigInteger),
        _n.c.filtered.is_(True),
    )
    .limit(MAX_MEANINGFUL_COUNT)
    .subquery()
)


async def _update_request(
    tx: Transaction, account_id: int, from_account_id: int, status_id: int | None, now: datetime
) -> None:
    """The sender's request to the recipient, made or brought up to date with a filtered
    mention just recorded (Mastodon's `update_notification_request!`)."""
    pair = {"account_id": account_id, "from_account_id": from_account_id}
    count = int(await tx.scalar(_FILTERED_MENTIONS, pair) or 0)
    statement = upsert(
        _r, tx.dialect, ("account_id", "from_account_id"),
        ("last_status_id", "notifications_count", "updated_at"),
    )  # fmt: skip
    await tx.execute(
        statement,
        [
            {
                **pair,
                "id": new_id(),
                "last_status_id": status_id,
                "notifications_count": count,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )


async def do_update_policy(db: Database, account_id: int, changes: dict[str, str]) -> None:
    """Set some of the account's notification policy (`for_*` names to accept, filter or
    drop); the others keep their value."""
    for name, value in changes.items():
        if name not in POLICY_FIELDS:
            raise Invalid(f"Unknown policy: {name}")
        if value not in POLICY_VALUES:
            raise Invalid(f"Invalid value for '{name}': '{value}'")
    if not changes:
        return
    async with db.transaction() as tx:
        await tx.execute(
            insert_or_ignore(notification_policies, tx.dialect, "account_id"),
            [{"account_id": account_id}],
        )
        await tx.execute(
            notification_policies.update()
            .where(notification_policies.c.account_id == account_id)
            .values(**changes)
        )


async def do_accept_requests(db: Database, account_id: int, request_ids: list[int]) -> int:
    """Accept those of the account's requests (Mastodon's AcceptNotificationRequestService):
    their senders are let through from now on, their filtered notifications join the
    main list, the requests go, and the account's streams hear `notifications_merged`.
    Returns how many requests were accepted."""
    async with db.transaction() as tx:
        senders = await _take_requests(tx, account_id, request_ids)
        if not senders:
            return 0
        now = utcnow()
        await tx.execute(
            insert_or_ignore(notification_permissions, tx.dialect, "account_id", "from_account_id"),
            [{"account_id": account_id, "from_account_id": s, "created_at": now} for s in senders],
        )
        held = (
            _n.c.account_id == account_id,
            _n.c.from_account_id.in_(senders),
            _n.c.filtered.is_(True),
        )
        grouped = await tx.fetch_all(
            sa.select(_n.c.group_key, _n.c.type, _n.c.status_id, sa.func.count().label("n"))
            .where(*held, _n.c.group_key.is_not(None))
            .group_by(_n.c.group_key, _n.c.type, _n.c.status_id)
        )
        await tx.execute(_n.update().where(*held).values(filtered=False))
        await group_counts.let_in(tx, account_id, grouped)
        tx.publish(f"timeline:{account_id}", encode_event(Event(event="notifications_merged")))
    return len(senders)


async def do_dismiss_requests(db: Database, account_id: int, request_ids: list[int]) -> int:
    """Dismiss those of the account's requests: the requests and their senders' filtered
    notifications are deleted. Returns how many requests were dismissed."""
    async with db.transaction() as tx:
        senders = await _take_requests(tx, account_id, request_ids)
        if senders:
            await tx.execute(
                _n.delete().where(
                    _n.c.account_id == account_id,
                    _n.c.from_account_id.in_(senders),
                    _n.c.filtered.is_(True),
                )
            )
    return len(senders)


async def _take_requests(tx: Transaction, account_id: int, request_ids: list[int]) -> list[int]:
    """Delete those of the account's requests; their senders."""
    if not request_ids:
        return []
    rows = await tx.fetch_all(
        sa.select(_r.c.from_account_id).where(
            _r.c.account_id == account_id, _r.c.id.in_(request_ids)
        )
    )
    senders = [int(r.from_account_id) for r in rows]
    if senders:
        await tx.execute(_r.delete().where(_r.c.account_id == account_id, _r.c.id.in_(request_ids)))
    return senders
