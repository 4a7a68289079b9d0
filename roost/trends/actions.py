"""The operator's say on trends: approve or reject a trending hashtag, post or link."""

from __future__ import annotations

import sqlalchemy as sa

from roost.cards.tables import preview_cards
from roost.db import Database
from roost.db.dialect import upsert
from roost.errors import NotFound
from roost.statuses.tables import statuses, tags
from roost.timeutil import utcnow
from roost.trends.tables import trend_reviews

KINDS = {"tag": tags, "status": statuses, "link": preview_cards}


async def do_review(db: Database, kind: str, target_id: int, trendable: bool) -> None:
    """Let the hashtag, post or link trend (`trendable`), or keep it out of trends for good."""
    table = KINDS[kind]
    async with db.transaction() as tx:
        if await tx.fetch_one(sa.select(table.c.id).where(table.c.id == target_id)) is None:
            raise NotFound()
        await tx.execute(
            upsert(trend_reviews, tx.dialect, ("kind", "target_id"), ("trendable", "reviewed_at")),
            [{"kind": kind, "target_id": target_id, "trendable": trendable,
              "reviewed_at": utcnow()}],
        )  # fmt: skip
