"""What the notification writer calls, inside its transaction, for each notification that
reaches its recipient (not one filtered by their notification policy)."""

from __future__ import annotations

import sqlalchemy as sa

from roost.db import Transaction
from roost.jobs.queue import enqueue
from roost.push.tables import push_subscriptions

# One indexed read per notification (favourites are frequent): most people have no
# subscription, and those who do have one per app they use.
_WANTING = sa.select(
    push_subscriptions.c.id, push_subscriptions.c.alerts, push_subscriptions.c.policy
).where(push_subscriptions.c.account_id == sa.bindparam("account_id", type_=sa.BigInteger))


async def notification_created(
    tx: Transaction, *, account_id: int, notification_id: int, type: str
) -> None:
    """Queue the Web Push of this notification to each of the recipient's subscriptions
    that wants its type: one job per push, so that a slow push service delays only its
    own (the job applies the follow policy, which needs another query)."""
    rows = await tx.fetch_all(_WANTING, {"account_id": account_id})
    for row in rows:
        if row.policy != "none" and (row.alerts or {}).get(type) is True:
            payload = {"subscription_id": row.id, "notification_id": notification_id}
            await enqueue(tx, "web_push", payload)
