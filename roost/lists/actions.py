"""Making and changing one's lists. Only accounts one follows may be members (as in
Mastodon); unfollowing someone takes them out of one's lists. The members of an exclusive
list leave the owner's home feed (roost.timelines.home_rule), and come back to it when
they leave the list or the list stops being exclusive: jobs take their posts out of the
feed, or put them back. Jobs keep each list's own feed in step too (roost.lists.jobs):
members' posts merged in or taken out, the feed dropped when the list goes or its replies
policy changes."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from roost.db import Database, Transaction
from roost.db.dialect import insert_or_ignore
from roost.errors import Invalid
from roost.graph.tables import follows
from roost.ids import new_id
from roost.jobs.queue import enqueue
from roost.lists.queries import access_list
from roost.lists.tables import list_accounts, lists
from roost.timeutil import utcnow

REPLIES_POLICIES = ("followed", "list", "none")
MAX_TITLE = 256
MAX_LISTS = 100  # per account


def check_list(title: str, replies_policy: str) -> tuple[str, str]:
    title = title.strip()
    if not title:
        raise Invalid("Title can't be blank")
    if len(title) > MAX_TITLE:
        raise Invalid(f"Title is too long (maximum is {MAX_TITLE} characters)")
    if replies_policy not in REPLIES_POLICIES:
        raise Invalid("Replies policy is not included in the list")
    return title, replies_policy


async def _home_feed_change(
    tx: Transaction, owner_id: int, members: Sequence[int], out: bool
) -> None:
    """Members' posts out of (`out`) or back into the owner's home feed, by jobs. Back in
    only where the home rules allow (another exclusive list may still keep them out)."""
    for member in members:
        payload = {"owner": owner_id, "author": member}
        await enqueue(tx, "feed.unmerge" if out else "feed.merge", payload)


async def _members(tx: Transaction, list_id: int) -> list[int]:
    return list(
        await tx.scalars(
            sa.select(list_accounts.c.account_id).where(list_accounts.c.list_id == list_id)
        )
    )


async def do_create_list(
    db: Database, owner_id: int, title: str, replies_policy: str = "list", exclusive: bool = False
) -> int:
    title, replies_policy = check_list(title, replies_policy)
    list_id = new_id()
    async with db.transaction() as tx:
        count = await tx.scalar(
            sa.select(sa.func.count()).select_from(lists).where(lists.c.account_id == owner_id)
        )
        if count >= MAX_LISTS:
            raise Invalid(f"You cannot have more than {MAX_LISTS} lists")
        await tx.execute(
            lists.insert(),
            [{"id": list_id, "account_id": owner_id, "title": title,
              "replies_policy": replies_policy, "exclusive": exclusive, "created_at": utcnow()}],
        )  # fmt: skip
    return list_id


async def do_update_list(
    db: Database, owner_id: int, list_id: int, *, title: str | None, replies_policy: str | None,
    exclusive: bool,
) -> None:  # fmt: skip
    current = await access_list(db, owner_id, list_id)
    title, replies_policy = check_list(
        current.title if title is None else title,
        current.replies_policy if replies_policy is None else replies_policy,
    )
    async with db.transaction() as tx:
        await tx.execute(
            lists.update()
            .where(lists.c.id == list_id)
            .values(title=title, replies_policy=replies_policy, exclusive=exclusive)
        )
        if exclusive != bool(current.exclusive):
            await _home_feed_change(tx, owner_id, await _members(tx, list_id), exclusive)
        if replies_policy != current.replies_policy:
            await enqueue(tx, "list_feed.drop", {"list": list_id})


async def do_delete_list(db: Database, owner_id: int, list_id: int) -> None:
    current = await access_list(db, owner_id, list_id)
    async with db.transaction() as tx:
        members = await _members(tx, list_id)
        await tx.execute(list_accounts.delete().where(list_accounts.c.list_id == list_id))
        # Its SQL feed goes with the row (ON DELETE CASCADE); a Redis one by the job.
        await tx.execute(lists.delete().where(lists.c.id == list_id))
        await enqueue(tx, "list_feed.drop", {"list": list_id})
        if current.exclusive:
            await _home_feed_change(tx, owner_id, members, False)


async def do_add_members(
    db: Database, owner_id: int, list_id: int, account_ids: Sequence[int]
) -> None:
    """Add accounts one follows to one's list (422 naming the first one not followed)."""
    current = await access_list(db, owner_id, list_id)
    wanted = list(dict.fromkeys(account_ids))
    followed = set(
        await db.scalars(
            sa.select(follows.c.target_account_id).where(
                follows.c.account_id == owner_id, follows.c.target_account_id.in_(wanted)
            )
        )
    )
    if any(a not in followed for a in wanted):
        raise Invalid("You can only add accounts you follow to a list")
    async with db.transaction() as tx:
        await tx.execute(
            insert_or_ignore(list_accounts, tx.dialect, "list_id", "account_id"),
            [{"list_id": list_id, "account_id": a} for a in wanted],
        )
        await enqueue(tx, "list_feed.merge", {"list": list_id, "authors": wanted})
        if current.exclusive:
            await _home_feed_change(tx, owner_id, wanted, True)


async def do_remove_members(
    db: Database, owner_id: int, list_id: int, account_ids: Sequence[int]
) -> None:
    current = await access_list(db, owner_id, list_id)
    async with db.transaction() as tx:
        gone = await tx.execute(
            list_accounts.delete().where(
                list_accounts.c.list_id == list_id,
                list_accounts.c.account_id.in_(list(account_ids)),
            )
        )
        if gone.rowcount:
            authors = list(dict.fromkeys(account_ids))
            await enqueue(tx, "list_feed.unmerge", {"lists": [list_id], "authors": authors})
            if current.exclusive:
                await _home_feed_change(tx, owner_id, authors, False)


async def leave_lists(tx: Transaction, owner_id: int, account_id: int) -> None:
    """`owner_id` stops following `account_id` (in `tx`): out of all of owner's lists."""
    owned = sa.select(lists.c.id).where(lists.c.account_id == owner_id).scalar_subquery()
    where = sa.and_(list_accounts.c.account_id == account_id, list_accounts.c.list_id.in_(owned))
    left = list(await tx.scalars(sa.select(list_accounts.c.list_id).where(where)))
    if left:
        await tx.execute(list_accounts.delete().where(where))
        await enqueue(tx, "list_feed.unmerge", {"lists": left, "authors": [account_id]})
