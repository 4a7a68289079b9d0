"""Writes to statuses other than posting (roost.statuses.posting): delete, reblog,
favourite, bookmark, pin.

Each action is one transaction that also writes what the change implies (counters, mentions,
tags, notifications, home-feed entries), so a failure leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from roost.accounts.tables import accounts
from roost.conversations.actions import forget_direct
from roost.db import Database, Transaction
from roost.db.dialect import insert_or_ignore
from roost.errors import Forbidden, Invalid, NotFound, RoostError
from roost.feeds.sql import forget_statuses
from roost.ids import new_id
from roost.jobs.queue import enqueue
from roost.media.attach import detach_media
from roost.notifications.actions import notify, unnotify
from roost.notifications.tables import notification_groups, notifications
from roost.polls.actions import forget_polls
from roost.statuses.posting import bump
from roost.statuses.queries import access_status
from roost.statuses.render import status_key
from roost.statuses.tables import (
    bookmarks,
    conversation_mutes,
    favourites,
    idempotency_keys,
    mentions,
    pins,
    status_edits,
    status_tags,
    statuses,
)
from roost.timeutil import utcnow

MAX_PINS = 5


async def do_delete_status(db: Database, actor_id: int, status_id: int) -> Any:
    """Delete one's own status (its reblogs, favourites and feed entries go with it).

    Returns the deleted row, so the API can answer with its source text (delete & redraft).
    """
    async with db.transaction() as tx:
        row = await tx.fetch_one(sa.select(statuses).where(statuses.c.id == status_id))
        if row is None or row.reblog_of_id is not None:
            raise NotFound()
        if row.account_id != actor_id:
            # Someone else's post: 403 only if the actor may see it, else 404 as for a
            # missing one, so the answer does not tell that a hidden post exists.
            await access_status(db, actor_id, status_id)
            raise Forbidden("This action is not allowed")
        # Reblogs of this status vanish with it; their authors' counts drop too.
        rebloggers = await tx.fetch_all(
            sa.select(statuses.c.account_id, sa.func.count().label("n"))
            .where(statuses.c.reblog_of_id == status_id)
            .group_by(statuses.c.account_id)
        )
        for r in rebloggers:
            await bump(tx, accounts, r.account_id, "statuses_count", -r.n)
        await _delete_status_rows(tx, [status_id])
        if row.in_reply_to_id is not None:
            await bump(tx, statuses, row.in_reply_to_id, "replies_count", -1)
        await bump(tx, accounts, actor_id, "statuses_count", -1)
    return row


async def _delete_status_rows(tx: Transaction, ids: Sequence[int]) -> None:
    """Delete statuses and everything hanging off them, explicitly (not relying on the
    database's ON DELETE CASCADE, which SQLite only honours with foreign_keys on)."""
    gone = await tx.fetch_all(
        sa.select(statuses.c.id, statuses.c.account_id, statuses.c.visibility).where(
            sa.or_(statuses.c.id.in_(ids), statuses.c.reblog_of_id.in_(ids))
        )
    )
    reblog_ids = [r.id for r in gone if r.id not in ids]
    every = [*ids, *reblog_ids]
    tx.invalidate(*(status_key(i) for i in every))
    # Feeds outside SQL (Redis) and live streams learn of it through a job.
    await enqueue(
        tx,
        "unfan_out",
        {
            "entries": [[r.id, r.account_id] for r in gone],
            "public": any(r.visibility in ("public", "unlisted") for r in gone),
        },
    )
    await forget_statuses(tx, every)
    await forget_polls(tx, list(ids))
    await _forget_quotes(tx, list(ids))
    await forget_direct(tx, list(ids))
    await detach_media(tx, list(ids))
    for table in (
        notifications, notification_groups, favourites, bookmarks, pins, mentions, status_tags,
        status_edits,
    ):  # fmt: skip
        await tx.execute(table.delete().where(table.c.status_id.in_(every)))
    await tx.execute(idempotency_keys.delete().where(idempotency_keys.c.status_id.in_(every)))
    await tx.execute(statuses.delete().where(statuses.c.id.in_(reblog_ids)))
    await tx.execute(statuses.delete().where(statuses.c.id.in_(ids)))


async def _forget_quotes(tx: Transaction, ids: list[int]) -> None:
    """Statuses being deleted: the quotes of them now say `deleted`, and the posts they
    quoted count one quote fewer."""
    quoting = await tx.scalars(sa.select(statuses.c.id).where(statuses.c.quote_of_id.in_(ids)))
    if quoting:
        await tx.execute(
            statuses.update().where(statuses.c.id.in_(quoting)).values(quote_state="deleted")
        )
        tx.invalidate(*(status_key(i) for i in quoting))
    quoted = await tx.fetch_all(
        sa.select(statuses.c.quote_of_id, sa.func.count().label("n"))
        .where(statuses.c.id.in_(ids), statuses.c.quote_state == "accepted")
        .group_by(statuses.c.quote_of_id)
    )
    for row in quoted:
        await bump(tx, statuses, row.quote_of_id, "quotes_count", -row.n)


async def do_reblog(db: Database, actor_id: int, status_id: int, visibility: str = "public") -> int:
    """Reblog a status (idempotent); returns the reblog's id."""
    if visibility not in ("public", "unlisted", "private"):
        raise Invalid("Visibility is not included in the list")
    original = await _target(db, actor_id, status_id)
    if original.visibility == "direct" or (
        original.visibility == "private" and original.account_id != actor_id
    ):
        raise Forbidden("This action is not allowed")
    if original.account_id == actor_id and original.visibility == "private":
        visibility = "private"
    now = utcnow()
    reblog_id = new_id()
    async with db.transaction() as tx:
        existing = await tx.scalar(
            sa.select(statuses.c.id).where(
                statuses.c.reblog_of_id == original.id, statuses.c.account_id == actor_id
            )
        )
        if existing is not None:
            return int(existing)
        await tx.execute(
            statuses.insert().values(
                id=reblog_id,
                account_id=actor_id,
                visibility=visibility,
                reblog_of_id=original.id,
                created_at=now,
            )
        )
        await bump(tx, statuses, original.id, "reblogs_count", 1)
        await tx.execute(
            accounts.update()
            .where(accounts.c.id == actor_id)
            .values(statuses_count=accounts.c.statuses_count + 1, last_status_at=now)
        )
        await enqueue(tx, "fan_out", {"status_id": reblog_id})
        await notify(
            tx,
            account_id=original.account_id,
            from_account_id=actor_id,
            type="reblog",
            status_id=original.id,
        )
    return reblog_id


async def do_unreblog(db: Database, actor_id: int, status_id: int) -> int:
    """Undo a reblog (idempotent); returns the original's id."""
    original = await _target(db, actor_id, status_id)
    async with db.transaction() as tx:
        reblog_ids = await tx.scalars(
            sa.select(statuses.c.id).where(
                statuses.c.reblog_of_id == original.id, statuses.c.account_id == actor_id
            )
        )
        if reblog_ids:
            await _delete_status_rows(tx, reblog_ids)
            await bump(tx, statuses, original.id, "reblogs_count", -len(reblog_ids))
            await bump(tx, accounts, actor_id, "statuses_count", -len(reblog_ids))
            await unnotify(
                tx,
                account_id=original.account_id,
                from_account_id=actor_id,
                type="reblog",
                status_id=original.id,
            )
    return int(original.id)


async def _target(db: Database, actor_id: int, status_id: int) -> Any:
    """The status an interaction acts on: a reblog's original, visible to the actor."""
    row = await access_status(db, actor_id, status_id)
    if row.reblog_of_id is not None:
        row = await access_status(db, actor_id, row.reblog_of_id)
    return row


async def do_favourite(db: Database, actor_id: int, status_id: int) -> int:
    """Favourite a status (idempotent) and notify its author; returns the status id."""
    target = await _target(db, actor_id, status_id)
    async with db.transaction() as tx:
        if await _add_interaction(tx, favourites, actor_id, target.id):
            await bump(tx, statuses, target.id, "favourites_count", 1)
            await notify(
                tx,
                account_id=target.account_id,
                from_account_id=actor_id,
                type="favourite",
                status_id=target.id,
            )
    return int(target.id)


async def do_unfavourite(db: Database, actor_id: int, status_id: int) -> int:
    """Undo a favourite (idempotent); returns the status id."""
    target = await _target(db, actor_id, status_id)
    async with db.transaction() as tx:
        if await _remove_interaction(tx, favourites, actor_id, target.id):
            await bump(tx, statuses, target.id, "favourites_count", -1)
            await unnotify(
                tx,
                account_id=target.account_id,
                from_account_id=actor_id,
                type="favourite",
                status_id=target.id,
            )
    return int(target.id)


async def do_bookmark(db: Database, actor_id: int, status_id: int, on: bool) -> int:
    """Bookmark or unbookmark a status (idempotent); returns the status id."""
    target = await _target(db, actor_id, status_id)
    async with db.transaction() as tx:
        if on:
            await _add_interaction(tx, bookmarks, actor_id, target.id)
        else:
            await _remove_interaction(tx, bookmarks, actor_id, target.id)
    return int(target.id)


async def do_mute_conversation(db: Database, actor_id: int, status_id: int, on: bool) -> int:
    """Mute (or unmute) the thread a status belongs to: no notification about any post in
    it reaches the actor afterwards (idempotent). Returns the status id."""
    target = await _target(db, actor_id, status_id)
    thread = target.conversation_id or target.id
    key = {"account_id": actor_id, "conversation_id": thread}
    async with db.transaction() as tx:
        if on:
            await tx.execute(
                insert_or_ignore(conversation_mutes, tx.dialect, "account_id", "conversation_id"),
                [{**key, "created_at": utcnow()}],
            )
        else:
            await tx.execute(
                conversation_mutes.delete().where(
                    conversation_mutes.c.account_id == actor_id,
                    conversation_mutes.c.conversation_id == thread,
                )
            )
    return int(target.id)


async def do_pin(db: Database, actor_id: int, status_id: int, on: bool) -> int:
    """Pin or unpin one of one's own posts on one's profile (at most five)."""
    target = await access_status(db, actor_id, status_id)
    if target.account_id != actor_id or target.reblog_of_id is not None:
        raise RoostError("Validation failed: Only your own posts can be pinned", status=422)
    async with db.transaction() as tx:
        if not on:
            await _remove_interaction(tx, pins, actor_id, target.id)
            return int(target.id)
        if target.visibility == "direct":
            raise Invalid("Direct messages cannot be pinned")
        count = await tx.scalar(
            sa.select(sa.func.count()).select_from(pins).where(pins.c.account_id == actor_id)
        )
        already = await tx.scalar(
            sa.select(pins.c.id).where(pins.c.account_id == actor_id, pins.c.status_id == target.id)
        )
        if already is None and int(count or 0) >= MAX_PINS:
            raise Invalid(f"You can pin at most {MAX_PINS} posts")
        await _add_interaction(tx, pins, actor_id, target.id)
    return int(target.id)


async def _add_interaction(
    tx: Transaction, table: sa.Table, account_id: int, status_id: int
) -> bool:
    exists = await tx.scalar(
        sa.select(table.c.id).where(
            table.c.account_id == account_id, table.c.status_id == status_id
        )
    )
    if exists is not None:
        return False
    await tx.execute(
        table.insert().values(
            id=new_id(), account_id=account_id, status_id=status_id, created_at=utcnow()
        )
    )
    return True


async def _remove_interaction(
    tx: Transaction, table: sa.Table, account_id: int, status_id: int
) -> bool:
    result = await tx.execute(
        table.delete().where(table.c.account_id == account_id, table.c.status_id == status_id)
    )
    return bool(result.rowcount)


async def do_delete_account_statuses(db: Database, account_id: int, limit: int = 100) -> int:
    """Delete a batch of an account's statuses, newest first, its reblogs included, with
    what `do_delete_status` and `do_unreblog` do to counts, feeds, notifications and media
    (an account being deleted). Returns how many went; 0 once none are left."""
    async with db.transaction() as tx:
        ids = await tx.scalars(
            sa.select(statuses.c.id)
            .where(statuses.c.account_id == account_id)
            .order_by(statuses.c.id.desc())
            .limit(limit)
        )
        return len(await remove_statuses(tx, account_id, list(ids)))


async def remove_statuses(tx: Transaction, account_id: int, ids: Sequence[int]) -> list[int]:
    """Delete those of `ids` that are `account_id`'s statuses (or reblogs) inside `tx`, as
    `do_delete_account_statuses` does (a moderator removing posts, an account's deletion).
    Returns the ids that went."""
    if not ids:
        return []
    rows = await tx.fetch_all(
        sa.select(statuses.c.id, statuses.c.reblog_of_id, statuses.c.in_reply_to_id).where(
            statuses.c.account_id == account_id, statuses.c.id.in_(list(ids))
        )
    )
    if not rows:
        return []
    originals = [r.id for r in rows if r.reblog_of_id is None]
    rebloggers = await tx.fetch_all(
        sa.select(statuses.c.account_id, sa.func.count().label("n"))
        .where(statuses.c.reblog_of_id.in_(originals), statuses.c.account_id != account_id)
        .group_by(statuses.c.account_id)
    )
    for r in rebloggers:
        await bump(tx, accounts, r.account_id, "statuses_count", -r.n)
    await _delete_status_rows(tx, [r.id for r in rows])
    for r in rows:  # a bump of a row deleted meanwhile changes nothing
        if r.reblog_of_id is not None:
            await bump(tx, statuses, r.reblog_of_id, "reblogs_count", -1)
        elif r.in_reply_to_id is not None:
            await bump(tx, statuses, r.in_reply_to_id, "replies_count", -1)
    await bump(tx, accounts, account_id, "statuses_count", -len(rows))
    return [r.id for r in rows]


async def do_forget_favourites(db: Database, account_id: int, limit: int = 500) -> int:
    """Remove a batch of an account's favourites, with the counts they added (an account
    being deleted). Returns how many went; 0 once none are left."""
    async with db.transaction() as tx:
        rows = await tx.fetch_all(
            sa.select(favourites.c.id, favourites.c.status_id)
            .where(favourites.c.account_id == account_id)
            .limit(limit)
        )
        if not rows:
            return 0
        await tx.execute(favourites.delete().where(favourites.c.id.in_([r.id for r in rows])))
        for r in rows:
            await bump(tx, statuses, r.status_id, "favourites_count", -1)
    return len(rows)
