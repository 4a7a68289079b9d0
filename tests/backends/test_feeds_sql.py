"""The SQL feed store trims only now and then (roost.feeds.sql._trims): reads stay capped,
and the table holds past the cap only the pushes since the last trim."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from roost.db import Database
from roost.feeds import FEED_CAP, FeedStore
from roost.feeds.sql import _trims
from roost.feeds.tables import home_feed
from tests.backends.conftest import Rows


@pytest.mark.parametrize("feeds", ["sql"], indirect=True)
async def test_pushes_trim_now_and_then_and_reads_never_pass_the_cap(
    feeds: FeedStore, rows: Rows, db: Database
) -> None:
    [owner] = await rows.owners(1)
    ids = await rows.statuses(FEED_CAP + 200)
    await feeds.fill(owner, [(i, 7) for i in ids[:FEED_CAP]])
    extra = ids[FEED_CAP:]
    # 20 pushes and the first that trims (none in 200 has odds of (7/8)^200).
    pushes = sorted({*extra[:20], next(i for i in extra if _trims(i))})
    stored = sa.select(sa.func.count()).select_from(home_feed).where(home_feed.c.owner_id == owner)
    kept = ids[:FEED_CAP]
    since_trim = 0
    for i in pushes:
        await feeds.push([owner], i, 7)
        kept = [*kept, i][-FEED_CAP:]
        since_trim = 0 if _trims(i) else since_trim + 1
        # Reads from the top see the newest FEED_CAP, whatever the table holds.
        assert await feeds.page(owner, limit=FEED_CAP + 100) == kept[::-1]
        assert await db.scalar(stored) == FEED_CAP + since_trim
