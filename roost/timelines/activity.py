"""Noticing that someone is here: each signed-in request keeps `users.last_active_at`
within the hour (one write an hour, not one a request), and someone back after
`inactive_days` away has their home and list feeds dropped, so that the next read
rebuilds them: fan-out skipped them while they were away (timelines.jobs), and a feed
left as it was would hide everything posted meanwhile.

Mastodon does the same on each signed-in request (`UserTrackingConcern`,
`regenerate_feed!` for a returning user)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from roost.accounts.tables import users
from roost.db import Database
from roost.feeds import FeedStore
from roost.lists.tables import lists
from roost.timeutil import utcnow

TOUCH_EVERY = timedelta(hours=1)


def is_due(active_at: datetime | None, now: datetime | None = None) -> bool:
    """Whether a request by someone last seen at `active_at` should say they are here."""
    return active_at is None or active_at < (now or utcnow()) - TOUCH_EVERY


async def note_activity(
    db: Database, feeds: FeedStore, list_feeds: FeedStore, inactive_days: int, account_id: int
) -> bool:
    """Record that `account_id` is here now, unless that was done within the hour (by
    this process or another); drop their feeds when they come back from longer than
    `inactive_days` away. Returns whether it wrote."""
    now = utcnow()
    async with db.transaction() as tx:
        seen = await tx.scalar(
            sa.select(users.c.last_active_at).where(users.c.account_id == account_id)
        )
        if not is_due(seen, now):
            return False
        await tx.execute(
            users.update().where(users.c.account_id == account_id).values(last_active_at=now)
        )
        returning = seen is None or seen < now - timedelta(days=inactive_days)
        owned = await tx.scalars(sa.select(lists.c.id).where(lists.c.account_id == account_id))
    if returning:
        await feeds.drop(account_id)
        for list_id in owned:
            await list_feeds.drop(int(list_id))
    return True
