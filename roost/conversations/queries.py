"""Reading one's conversations, newest post first, rendered in a fixed number of queries."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from roost.accounts.renderer import AccountRenderer
from roost.conversations.entities import Conversation
from roost.conversations.tables import account_conversations
from roost.db import Database
from roost.errors import NotFound
from roost.statuses.queries import page, visible_ids
from roost.statuses.renderer import StatusRenderer
from roost.statuses.tables import statuses
from roost.statuses.visible import Visible

ac = account_conversations.c


async def conversations_page(
    db: Database,
    account_id: int,
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 20,
) -> list[Any]:
    """A page of the account's conversations, paged by their last post's id (as Mastodon)."""
    query = sa.select(account_conversations).where(ac.account_id == account_id)
    paged = page(
        query, ac.last_status_id, max_id=max_id, since_id=since_id, min_id=min_id, limit=limit
    )
    rows = list(await db.fetch_all(paged))
    return rows[::-1] if min_id is not None else rows  # newest first, as `newest_first`


async def thread_of(
    db: Database, viewer_id: int, conversation_id: int, limit: int = 200
) -> Visible:
    """The direct posts of one of the viewer's conversations that the viewer may see,
    oldest first (the newest `limit`)."""
    await access_conversation(db, viewer_id, conversation_id)
    ids = await db.scalars(
        sa.select(statuses.c.id)
        .where(statuses.c.conversation_id == conversation_id, statuses.c.visibility == "direct")
        .order_by(statuses.c.id.desc())
        .limit(limit)
    )
    return await visible_ids(db, viewer_id, list(reversed(ids)))


async def access_conversation(db: Database, account_id: int, conversation_id: int) -> Any:
    row = await db.fetch_one(
        sa.select(account_conversations).where(
            ac.account_id == account_id, ac.conversation_id == conversation_id
        )
    )
    if row is None:
        raise NotFound()
    return row


async def render_conversations(
    accounts: AccountRenderer, statuses: StatusRenderer, viewer_id: int, rows: list[Any]
) -> list[Conversation]:
    """Conversation entities (two renders, however many): the other participants, and the
    last post as the viewer may see it now."""
    people = await accounts.listed(list({a for r in rows for a in r.participant_ids}))
    by_id = {a.id: a for a in people}
    last = await statuses.visible(viewer_id, [r.last_status_id for r in rows])
    last_by_id = {s.id: s for s in last}
    return [
        Conversation(
            id=str(r.conversation_id),
            unread=bool(r.unread),
            accounts=[by_id[str(a)] for a in r.participant_ids if str(a) in by_id],
            last_status=last_by_id.get(str(r.last_status_id)),
        )
        for r in rows
    ]
