"""What the instance tells about itself: its contact account and its counts."""

from __future__ import annotations

import msgspec
import sqlalchemy as sa

from roost.accounts.tables import accounts, users
from roost.cache import Cache
from roost.db import Database
from roost.statuses.tables import statuses

_COUNTS_KEY = "instance:counts"
_COUNTS_TTL = 300.0  # seconds; Mastodon also serves these counts from a cache


async def contact_account_id(db: Database) -> int | None:
    """The instance's contact: the owner, else the first admin."""
    return await db.scalar(  # type: ignore[no-any-return]  # a BIGINT column or None
        sa.select(users.c.account_id)
        .where(users.c.role.in_(("owner", "admin")))
        .order_by(sa.case((users.c.role == "owner", 0), else_=1), users.c.account_id)
        .limit(1)
    )


async def instance_counts(db: Database, cache: Cache) -> tuple[int, int]:
    """(users, posts), counted at most every 5 minutes: counting every post per request
    grows with the database (every client asks for the instance when it starts)."""
    (cached,) = await cache.get_many([_COUNTS_KEY])
    if cached is not None:
        users_n, posts_n = msgspec.json.decode(cached, type=tuple[int, int])
        return users_n, posts_n
    user_count = await db.scalar(
        sa.select(sa.func.count()).select_from(accounts).where(accounts.c.suspended_at.is_(None))
    )
    status_count = await db.scalar(
        sa.select(sa.func.count()).select_from(statuses).where(statuses.c.reblog_of_id.is_(None))
    )
    counts = int(user_count or 0), int(status_count or 0)
    await cache.set_many({_COUNTS_KEY: msgspec.json.encode(counts)}, _COUNTS_TTL)
    return counts
