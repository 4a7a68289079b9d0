"""Keeping conversations current: a direct post updates every participant's (in the
post's transaction), reading or removing one changes only the reader's."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from roost.conversations.tables import account_conversations
from roost.db import Database, Transaction
from roost.db.dialect import upsert
from roost.errors import NotFound
from roost.pubsub import Event, encode_event
from roost.statuses.tables import mentions, statuses

ac = account_conversations.c


async def record_direct(
    tx: Transaction, *, status_id: int, conversation_id: int, author_id: int,
    mentioned: Sequence[int],
) -> None:  # fmt: skip
    """A direct post was written in `tx`: it is now the last post of its thread for the
    author (read) and everyone it mentions (unread), and each hears of it live."""
    everyone = sorted({author_id, *mentioned})
    rows = [
        {
            "account_id": account_id,
            "conversation_id": conversation_id,
            "participant_ids": [a for a in everyone if a != account_id],
            "last_status_id": status_id,
            "unread": account_id != author_id,
        }
        for account_id in everyone
    ]
    await tx.execute(
        upsert(
            account_conversations,
            tx.dialect,
            ("account_id", "conversation_id"),
            ("participant_ids", "last_status_id", "unread"),
        ),
        rows,
    )
    event = encode_event(Event(event="conversation", id=str(conversation_id)))
    for account_id in everyone:
        tx.publish(f"timeline:direct:{account_id}", event)
        tx.publish(f"timeline:{account_id}", event)


async def forget_direct(tx: Transaction, status_ids: Sequence[int]) -> None:
    """Direct posts are being deleted in `tx`: each conversation they were the last post of
    falls back to its participant's previous one, or goes when none is left."""
    affected = await tx.fetch_all(
        sa.select(ac.account_id, ac.conversation_id).where(ac.last_status_id.in_(status_ids))
    )
    for row in affected:
        previous = await tx.scalar(
            sa.select(sa.func.max(statuses.c.id)).where(
                statuses.c.conversation_id == row.conversation_id,
                statuses.c.visibility == "direct",
                statuses.c.id.not_in(status_ids),
                sa.or_(
                    statuses.c.account_id == row.account_id,
                    sa.exists().where(
                        mentions.c.status_id == statuses.c.id,
                        mentions.c.account_id == row.account_id,
                    ),
                ),
            )
        )
        key = (ac.account_id == row.account_id) & (ac.conversation_id == row.conversation_id)
        if previous is None:
            await tx.execute(account_conversations.delete().where(key))
        else:
            await tx.execute(
                account_conversations.update().where(key).values(last_status_id=previous)
            )


async def do_mark_read(db: Database, account_id: int, conversation_id: int) -> None:
    async with db.transaction() as tx:
        done = await tx.execute(
            account_conversations.update()
            .where(ac.account_id == account_id, ac.conversation_id == conversation_id)
            .values(unread=False)
        )
        if done.rowcount == 0:
            raise NotFound()


async def do_remove(db: Database, account_id: int, conversation_id: int) -> None:
    """Remove a conversation from one's list (a new post in it brings it back)."""
    async with db.transaction() as tx:
        done = await tx.execute(
            account_conversations.delete().where(
                ac.account_id == account_id, ac.conversation_id == conversation_id
            )
        )
        if done.rowcount == 0:
            raise NotFound()
