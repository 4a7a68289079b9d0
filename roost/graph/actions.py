"""Writes to the social graph: follows, follow requests, blocks and mutes.

Each `do_*` action is one transaction that also keeps the follower/following counters,
notifications and home feeds in step with the graph, and returns the fresh Relationship.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from roost.accounts.queries import account_shown
from roost.accounts.tables import accounts
from roost.db import Database, Transaction
from roost.db.dialect import insert_or_ignore, upsert
from roost.errors import Forbidden, NotFound
from roost.graph.entities import Relationship
from roost.graph.people import unendorse
from roost.graph.queries import render_relationship
from roost.graph.tables import blocks, follow_requests, follows, mutes
from roost.ids import new_id
from roost.jobs.queue import enqueue
from roost.lists.actions import leave_lists
from roost.notifications.actions import notify, unnotify
from roost.timeutil import utcnow


def _mute_upsert(dialect: str) -> Any:
    """A new mute, or new terms for an existing one."""
    return upsert(
        mutes, dialect, ("account_id", "target_account_id"), ("hide_notifications", "expires_at")
    )


NOT_ALLOWED = "This action is not allowed"


async def _target(tx: Transaction, viewer_id: int, account_id: int, verb: str) -> Any:
    """The shown account acted on; NotFound if unknown, 403 if it is the viewer."""
    row = await tx.fetch_one(
        sa.select(accounts.c.id, accounts.c.locked).where(
            accounts.c.id == account_id, account_shown()
        )
    )
    if row is None:
        raise NotFound()
    if row.id == viewer_id:
        raise Forbidden(f"You cannot {verb} yourself")
    return row


async def _blocked_between(tx: Transaction, a: int, b: int) -> bool:
    row = await tx.fetch_one(
        sa.select(blocks.c.id).where(
            sa.or_(
                sa.and_(blocks.c.account_id == a, blocks.c.target_account_id == b),
                sa.and_(blocks.c.account_id == b, blocks.c.target_account_id == a),
            )
        )
    )
    return row is not None


async def _count(tx: Transaction, follower_id: int, followee_id: int, delta: int) -> None:
    """Move following_count of the follower and followers_count of the followee by delta."""
    for column, account_id in (
        (accounts.c.following_count, follower_id),
        (accounts.c.followers_count, followee_id),
    ):
        new = (
            column + delta if delta > 0 else sa.case((column + delta < 0, 0), else_=column + delta)
        )
        await tx.execute(accounts.update().where(accounts.c.id == account_id).values({column: new}))


async def _backfill(tx: Transaction, owner_id: int, author_id: int, show_reblogs: bool) -> None:
    """Queue the author's latest posts into the owner's home feed (as fan-out would have)."""
    await enqueue(
        tx, "feed.merge", {"owner": owner_id, "author": author_id, "reblogs": show_reblogs}
    )


async def _unfeed(tx: Transaction, owner_id: int, author_id: int) -> None:
    """Queue the removal of everything the author put in the owner's home feed."""
    await enqueue(tx, "feed.unmerge", {"owner": owner_id, "author": author_id})


async def _toggle_reblogs(tx: Transaction, owner_id: int, author_id: int, show: bool) -> None:
    """Reblogs of a followed account were turned on or off: rebuild that account's share
    of the owner's feed with or without them (one job, so the two steps keep their order)."""
    await enqueue(
        tx,
        "feed.merge",
        {"owner": owner_id, "author": author_id, "reblogs": show, "replace": True},
    )


async def _add_follow(
    tx: Transaction, follower_id: int, followee_id: int, *, show_reblogs: bool, notify_posts: bool
) -> None:
    """Insert an accepted follow (if new): counters, notification and home feed."""
    inserted = await tx.execute(
        insert_or_ignore(follows, tx.dialect),
        [
            {
                "id": new_id(),
                "account_id": follower_id,
                "target_account_id": followee_id,
                "created_at": utcnow(),
                "show_reblogs": show_reblogs,
                "notify": notify_posts,
            }
        ],
    )
    if inserted.rowcount:
        await _count(tx, follower_id, followee_id, 1)
        await notify(tx, account_id=followee_id, from_account_id=follower_id, type="follow")
        await _backfill(tx, follower_id, followee_id, show_reblogs)


async def _remove_follow(tx: Transaction, follower_id: int, followee_id: int) -> None:
    """Delete a follow (if any) with its counters and the followee's home-feed entries."""
    deleted = await tx.execute(
        follows.delete().where(
            follows.c.account_id == follower_id, follows.c.target_account_id == followee_id
        )
    )
    if deleted.rowcount:
        await _count(tx, follower_id, followee_id, -1)
        await leave_lists(tx, follower_id, followee_id)
        await unendorse(tx, follower_id, followee_id)  # one features only whom one follows
        # As Mastodon: the follow's notification goes with it, so following again notifies.
        await unnotify(
            tx, account_id=followee_id, from_account_id=follower_id, type="follow", status_id=None
        )
    await _unfeed(tx, follower_id, followee_id)


async def _remove_request(tx: Transaction, requester_id: int, target_id: int) -> Any:
    """Delete a pending follow request and its notification; returns the deleted row."""
    row = await tx.fetch_one(
        follow_requests.delete()
        .where(
            follow_requests.c.account_id == requester_id,
            follow_requests.c.target_account_id == target_id,
        )
        .returning(follow_requests.c.show_reblogs, follow_requests.c.notify)
    )
    if row is not None:
        await unnotify(
            tx,
            account_id=target_id,
            from_account_id=requester_id,
            type="follow_request",
            status_id=None,
        )
    return row


async def accept_follow_request(tx: Transaction, requester_id: int, target_id: int) -> bool:
    """Turn a pending request into a follow inside `tx`; False if there was none."""
    request = await _remove_request(tx, requester_id, target_id)
    if request is None:
        return False
    await _add_follow(
        tx,
        requester_id,
        target_id,
        show_reblogs=bool(request.show_reblogs),
        notify_posts=bool(request.notify),
    )
    return True


async def accept_all_follow_requests(tx: Transaction, target_id: int) -> None:
    """Accept every pending request to follow `target_id` (it was just unlocked)."""
    requesters = await tx.scalars(
        sa.select(follow_requests.c.account_id).where(
            follow_requests.c.target_account_id == target_id
        )
    )
    for requester_id in requesters:
        await accept_follow_request(tx, requester_id, target_id)


async def _update_existing(
    tx: Transaction, viewer_id: int, target: Any, reblogs: bool | None, notify_posts: bool | None
) -> bool:
    """Apply the options given to an existing follow or request; False if neither exists."""
    options = {
        k: v for k, v in (("show_reblogs", reblogs), ("notify", notify_posts)) if v is not None
    }
    for table in (follows, follow_requests):
        existing = await tx.fetch_one(
            sa.select(table.c.id, table.c.show_reblogs).where(
                table.c.account_id == viewer_id, table.c.target_account_id == target.id
            )
        )
        if existing is None:
            continue
        if options:
            await tx.execute(table.update().where(table.c.id == existing.id).values(options))
        if table is follows and reblogs is not None and reblogs != existing.show_reblogs:
            await _toggle_reblogs(tx, viewer_id, target.id, reblogs)
        if table is follow_requests and not target.locked:  # unlocked since the request
            await accept_follow_request(tx, viewer_id, target.id)
        return True
    return False


async def do_follow(
    db: Database,
    viewer_id: int,
    account_id: int,
    *,
    reblogs: bool | None = None,
    notify_posts: bool | None = None,
) -> Relationship:
    """Follow an account, or ask to if it is locked. Following again only updates the
    `reblogs`/`notify_posts` options given (None keeps them; new follows default to
    reblogs on, notifications off). 403 across a block or for oneself."""
    async with db.transaction() as tx:
        target = await _target(tx, viewer_id, account_id, "follow")
        if await _blocked_between(tx, viewer_id, account_id):
            raise Forbidden(NOT_ALLOWED)
        if not await _update_existing(tx, viewer_id, target, reblogs, notify_posts):
            show_reblogs = True if reblogs is None else reblogs
            if not target.locked:
                await _add_follow(
                    tx,
                    viewer_id,
                    account_id,
                    show_reblogs=show_reblogs,
                    notify_posts=bool(notify_posts),
                )
            else:
                await tx.execute(
                    insert_or_ignore(follow_requests, tx.dialect),
                    [
                        {
                            "id": new_id(),
                            "account_id": viewer_id,
                            "target_account_id": account_id,
                            "created_at": utcnow(),
                            "show_reblogs": show_reblogs,
                            "notify": bool(notify_posts),
                        }
                    ],
                )
                await notify(
                    tx, account_id=account_id, from_account_id=viewer_id, type="follow_request"
                )
    return await render_relationship(db, viewer_id, account_id)


async def do_unfollow(db: Database, viewer_id: int, account_id: int) -> Relationship:
    """Stop following an account (or withdraw a pending request); its posts leave the
    viewer's home feed."""
    async with db.transaction() as tx:
        await _target(tx, viewer_id, account_id, "unfollow")
        await _remove_follow(tx, viewer_id, account_id)
        await _remove_request(tx, viewer_id, account_id)
    return await render_relationship(db, viewer_id, account_id)


async def do_authorize_follow_request(
    db: Database, viewer_id: int, requester_id: int
) -> Relationship:
    """Accept `requester_id`'s request to follow the viewer; 404 if there is none."""
    async with db.transaction() as tx:
        if not await accept_follow_request(tx, requester_id, viewer_id):
            raise NotFound()
    return await render_relationship(db, viewer_id, requester_id)


async def do_reject_follow_request(db: Database, viewer_id: int, requester_id: int) -> Relationship:
    """Refuse `requester_id`'s request to follow the viewer; 404 if there is none."""
    async with db.transaction() as tx:
        if await _remove_request(tx, requester_id, viewer_id) is None:
            raise NotFound()
    return await render_relationship(db, viewer_id, requester_id)


async def do_remove_from_followers(db: Database, viewer_id: int, account_id: int) -> Relationship:
    """Make an account stop following the viewer."""
    async with db.transaction() as tx:
        await _target(tx, viewer_id, account_id, "remove")
        await _remove_follow(tx, account_id, viewer_id)
    return await render_relationship(db, viewer_id, account_id)


async def do_block(db: Database, viewer_id: int, account_id: int) -> Relationship:
    """Block an account: follows and follow requests between the two end, both ways, and
    neither sees the other's posts in their home feed."""
    async with db.transaction() as tx:
        await _target(tx, viewer_id, account_id, "block")
        await tx.execute(
            insert_or_ignore(blocks, tx.dialect),
            [
                {
                    "id": new_id(),
                    "account_id": viewer_id,
                    "target_account_id": account_id,
                    "created_at": utcnow(),
                }
            ],
        )
        for a, b in ((viewer_id, account_id), (account_id, viewer_id)):
            await _remove_follow(tx, a, b)
            await _remove_request(tx, a, b)
    return await render_relationship(db, viewer_id, account_id)


async def do_unblock(db: Database, viewer_id: int, account_id: int) -> Relationship:
    """Lift a block (follows it ended stay ended)."""
    async with db.transaction() as tx:
        await _target(tx, viewer_id, account_id, "unblock")
        await tx.execute(
            blocks.delete().where(
                blocks.c.account_id == viewer_id, blocks.c.target_account_id == account_id
            )
        )
    return await render_relationship(db, viewer_id, account_id)


async def do_mute(
    db: Database, viewer_id: int, account_id: int, *, notifications: bool = True, duration: int = 0
) -> Relationship:
    """Mute an account (its posts are hidden from the viewer's timelines; with
    `notifications`, its notifications too), for `duration` seconds or (0) until unmuted.
    Muting again replaces the options."""
    expires_at = utcnow() + timedelta(seconds=duration) if duration > 0 else None
    async with db.transaction() as tx:
        await _target(tx, viewer_id, account_id, "mute")
        await tx.execute(
            _mute_upsert(tx.dialect),
            [
                {
                    "id": new_id(),
                    "account_id": viewer_id,
                    "target_account_id": account_id,
                    "created_at": utcnow(),
                    "hide_notifications": notifications,
                    "expires_at": expires_at,
                }
            ],
        )
        # Out of the home feed now; back in when a timed mute runs out.
        await _unfeed(tx, viewer_id, account_id)
        if duration > 0:
            await enqueue(
                tx, "feed.merge", {"owner": viewer_id, "author": account_id}, delay=duration
            )
    return await render_relationship(db, viewer_id, account_id)


async def do_unmute(db: Database, viewer_id: int, account_id: int) -> Relationship:
    """Lift a mute."""
    async with db.transaction() as tx:
        await _target(tx, viewer_id, account_id, "unmute")
        await tx.execute(
            mutes.delete().where(
                mutes.c.account_id == viewer_id, mutes.c.target_account_id == account_id
            )
        )
        await _backfill(tx, viewer_id, account_id, True)
    return await render_relationship(db, viewer_id, account_id)
