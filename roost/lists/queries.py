"""Reading lists: one's own only, their members, and a list's timeline (its members' posts
as the owner may see them, filtered by the list's replies policy, read from its feed)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from roost.db import Database
from roost.errors import NotFound
from roost.feeds import FeedStore
from roost.lists.entities import List
from roost.lists.feed import list_feed_ids
from roost.lists.tables import list_accounts, lists
from roost.statuses.visible import Visible


def list_channel(list_id: int) -> str:
    """The pub/sub channel of a list's live stream: its members' new posts."""
    return f"timeline:list:{list_id}"


def list_entity(row: Any) -> List:
    return List(
        id=str(row.id), title=row.title, replies_policy=row.replies_policy,
        exclusive=bool(row.exclusive),
    )  # fmt: skip


async def access_list(db: Database, owner_id: int, list_id: int) -> Any:
    """One's own list; NotFound for another's (which is not told apart from none)."""
    row = await db.fetch_one(
        sa.select(lists).where(lists.c.id == list_id, lists.c.account_id == owner_id)
    )
    if row is None:
        raise NotFound()
    return row


async def lists_of(db: Database, owner_id: int, member_id: int | None = None) -> list[List]:
    """One's lists by title (with `member_id`: those that account is in)."""
    query = sa.select(lists).where(lists.c.account_id == owner_id)
    if member_id is not None:
        query = query.where(
            lists.c.id.in_(
                sa.select(list_accounts.c.list_id).where(list_accounts.c.account_id == member_id)
            )
        )
    rows = await db.fetch_all(query.order_by(lists.c.title, lists.c.id))
    return [list_entity(r) for r in rows]


async def member_ids(
    db: Database, owner_id: int, list_id: int, *, max_id: int | None = None, limit: int = 40
) -> list[int]:
    """A page of a list's members (account ids, descending)."""
    await access_list(db, owner_id, list_id)
    query = sa.select(list_accounts.c.account_id).where(list_accounts.c.list_id == list_id)
    if max_id is not None:
        query = query.where(list_accounts.c.account_id < max_id)
    return list(await db.scalars(query.order_by(list_accounts.c.account_id.desc()).limit(limit)))


async def lists_with_members(db: Database, account_ids: list[int]) -> dict[int, list[int]]:
    """The lists (whoever owns them) each of `account_ids` is in: their posts reach them
    live (one query; none for no accounts)."""
    if not account_ids:
        return {}
    rows = await db.fetch_all(
        sa.select(list_accounts.c.account_id, list_accounts.c.list_id).where(
            list_accounts.c.account_id.in_(account_ids)
        )
    )
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row.account_id, []).append(row.list_id)
    return found


async def list_timeline(
    db: Database,
    feeds: FeedStore,
    owner_id: int,
    list_id: int,
    *,
    max_id: int | None,
    since_id: int | None,
    min_id: int | None,
    limit: int,
) -> Visible:
    """The posts (and reposts) of a list's members, newest first, as the owner may see them
    and as its replies policy says: `list`, replies to members (or oneself); `followed`,
    replies to anyone the owner follows; `none`, no replies but a member's own threads.
    Read from the list's feed (`feeds`, the list feed store), rebuilt from SQL if absent
    (roost.lists.feed)."""
    await access_list(db, owner_id, list_id)
    ids = await list_feed_ids(
        db, feeds, owner_id, list_id, max_id=max_id, since_id=since_id, min_id=min_id,
        limit=limit,
    )  # fmt: skip
    return Visible(owner_id, ids)
