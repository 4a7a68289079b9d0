"""An account deleted by its owner: suspended at once, its data removed after a grace
period (ROOST_DELETION_GRACE_DAYS) in batches by the `purge_account` job, and its row
kept as a tombstone so that its username is never given to anyone else.

During the grace period `roost users unsuspend NAME` restores the account: the job then
finds the account no longer suspended since the request, and forgets the request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from roost.accounts.tables import accounts, users
from roost.db import Database
from roost.graph.severing import do_sever_relationships
from roost.jobs.queue import enqueue
from roost.lists.tables import lists
from roost.media.actions import remove_files
from roost.media.profile import remove_profile_image
from roost.media.storage import MediaStorage
from roost.media.tables import media_attachments
from roost.notifications.actions import forget_account
from roost.oauth.actions import revoke_tokens
from roost.oauth.tables import tokens
from roost.portability.tables import imports
from roost.scheduled.tables import scheduled_statuses
from roost.security.tables import account_deletions
from roost.statuses.actions import do_delete_account_statuses, do_forget_favourites
from roost.statuses.tables import bookmarks
from roost.timeutil import utcnow

PURGE = "purge_account"
MEDIA_BATCH = 100


@dataclass(frozen=True)
class Deletion:
    """A deletion asked for by an account's owner."""

    account_id: int
    requested_at: datetime
    delete_after: datetime
    finished_at: datetime | None


async def access_deletion(db: Database, account_id: int) -> Deletion | None:
    """The account's deletion request, if any."""
    row = await db.fetch_one(
        sa.select(account_deletions).where(account_deletions.c.account_id == account_id)
    )
    if row is None:
        return None
    return Deletion(row.account_id, row.requested_at, row.delete_after, row.finished_at)


async def do_schedule_deletion(
    db: Database, account_id: int, grace: timedelta, now: datetime | None = None
) -> list[str]:
    """The owner deletes the account (its password, and code, were checked): it is
    suspended now, its tokens revoked, and its data goes after `grace`. Returns the revoked
    token hashes, for the caller to drop from its cache at once."""
    now = now or utcnow()
    async with db.transaction() as tx:
        await tx.execute(
            accounts.update().where(accounts.c.id == account_id).values(suspended_at=now)
        )
        await tx.execute(
            account_deletions.delete().where(account_deletions.c.account_id == account_id)
        )
        await tx.execute(
            account_deletions.insert().values(
                account_id=account_id, requested_at=now, delete_after=now + grace
            )
        )
        ended = await revoke_tokens(tx, tokens.c.account_id == account_id, now=now)
        await enqueue(tx, PURGE, {"account": account_id}, delay=grace.total_seconds())
    return ended


async def _remove_media(db: Database, storage: MediaStorage, account_id: int) -> int:
    """Remove a batch of the account's media (posted ones were detached by now): rows,
    then files. A crash between the two leaves files only, which the prune job removes."""
    m = media_attachments.c
    rows = await db.fetch_all(
        sa.select(m.id, m.upload_key, m.file_key, m.preview_key)
        .where(m.account_id == account_id)
        .limit(MEDIA_BATCH)
    )
    if rows:
        async with db.transaction() as tx:
            await tx.execute(media_attachments.delete().where(m.id.in_([r.id for r in rows])))
        for r in rows:
            await remove_files(storage, (r.upload_key, r.file_key, r.preview_key))
    return len(rows)


async def _finish(db: Database, storage: MediaStorage, account_id: int, now: datetime) -> None:
    """The last step: what is left of the account goes, its row stays as a tombstone."""
    profile = await db.fetch_one(
        sa.select(
            accounts.c.avatar, accounts.c.avatar_static, accounts.c.header,
            accounts.c.header_static,
        ).where(accounts.c.id == account_id)
    )  # fmt: skip
    async with db.transaction() as tx:
        await revoke_tokens(tx, tokens.c.account_id == account_id, now=now)
        await tx.execute(tokens.delete().where(tokens.c.account_id == account_id))
        for list_id in await tx.scalars(
            sa.select(lists.c.id).where(lists.c.account_id == account_id)
        ):
            await enqueue(tx, "list_feed.drop", {"list": list_id})  # a Redis feed, if any
        await tx.execute(lists.delete().where(lists.c.account_id == account_id))
        await tx.execute(
            scheduled_statuses.delete().where(scheduled_statuses.c.account_id == account_id)
        )
        await tx.execute(bookmarks.delete().where(bookmarks.c.account_id == account_id))
        await forget_account(tx, account_id)
        # Its imports' rows; its archives go with their files a week after they were made
        # (roost.portability.jobs), which needs their rows until then.
        await tx.execute(imports.delete().where(imports.c.account_id == account_id))
        await tx.execute(users.delete().where(users.c.account_id == account_id))
        await tx.execute(
            accounts.update()
            .where(accounts.c.id == account_id)
            .values(
                display_name="", note="", note_html="", fields=[], avatar=None, header=None,
                avatar_static=None, header_static=None, statuses_count=0, followers_count=0,
                following_count=0, locked=False, discoverable=False, indexable=False,
            )
        )  # fmt: skip
        await tx.execute(
            account_deletions.update()
            .where(account_deletions.c.account_id == account_id)
            .values(finished_at=now)
        )
    if profile is not None:
        await remove_profile_image(storage, *profile)


async def purge_step(
    db: Database, storage: MediaStorage, account_id: int, now: datetime | None = None
) -> bool:
    """Do one batch of the account's deletion if it is due. True when nothing is left to do
    (finished, cancelled, or not due yet); False when another batch should follow. Safe to
    run twice, or after a crash: each batch removes what is still there."""
    now = now or utcnow()
    row = await db.fetch_one(
        sa.select(
            account_deletions.c.requested_at,
            account_deletions.c.delete_after,
            account_deletions.c.finished_at,
            accounts.c.suspended_at,
        )
        .select_from(
            account_deletions.join(accounts, accounts.c.id == account_deletions.c.account_id)
        )
        .where(account_deletions.c.account_id == account_id)
    )
    if row is None or row.finished_at is not None or row.delete_after > now:
        return True
    if row.suspended_at is None or row.suspended_at > row.requested_at:
        # Unsuspended during the grace period (and maybe suspended again since, by a
        # moderator): the owner's request no longer stands.
        async with db.transaction() as tx:
            await tx.execute(
                account_deletions.delete().where(account_deletions.c.account_id == account_id)
            )
        return True
    if await do_delete_account_statuses(db, account_id):
        return False
    if await do_forget_favourites(db, account_id):
        return False
    if await do_sever_relationships(db, account_id):
        return False
    # Scheduled posts hold media: they go first, in _finish, which runs after this.
    await db.execute(
        scheduled_statuses.delete().where(scheduled_statuses.c.account_id == account_id)
    )
    if await _remove_media(db, storage, account_id):
        return False
    await _finish(db, storage, account_id, now)
    return True


async def do_purge_due(db: Database, storage: MediaStorage, now: datetime | None = None) -> int:
    """Delete every account whose grace period is over, to the end (the job does the same
    a batch at a time; tests and operators call this). Returns how many were finished."""
    now = now or utcnow()
    due = await db.scalars(
        sa.select(account_deletions.c.account_id).where(
            account_deletions.c.delete_after <= now, account_deletions.c.finished_at.is_(None)
        )
    )
    for account_id in due:
        while not await purge_step(db, storage, account_id, now):
            pass
    return len(due)
