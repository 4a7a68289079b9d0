"""The operator's say on trends: approve or reject a trending hashtag, post or link."""

from __future__ import annotations

import sqlalchemy as sa

from roost.cards.tables import preview_cards
from roost.db import Database
from roost.db.dialect import upsert
from roost.errors import NotFound
from roost.moderation.audit import record
from roost.moderation.staff import OPERATOR, Staff, check_can
from roost.statuses.tables import statuses, tags
from roost.timeutil import utcnow
from roost.trends.tables import trend_reviews

KINDS = {"tag": tags, "status": statuses, "link": preview_cards}
# What the audit log calls each kind (Mastodon's model names).
TARGET_TYPES = {"tag": "Tag", "status": "Status", "link": "PreviewCard"}


async def do_review(
    db: Database, kind: str, target_id: int, trendable: bool, actor: Staff = OPERATOR
) -> None:
    """Let the hashtag, post or link trend (`trendable`), or keep it out of trends for good;
    staff need `manage_taxonomies`, and the audit log records who decided."""
    check_can(actor, "manage_taxonomies")
    table = KINDS[kind]
    async with db.transaction() as tx:
        if await tx.fetch_one(sa.select(table.c.id).where(table.c.id == target_id)) is None:
            raise NotFound()
        await tx.execute(
            upsert(trend_reviews, tx.dialect, ("kind", "target_id"), ("trendable", "reviewed_at")),
            [{"kind": kind, "target_id": target_id, "trendable": trendable,
              "reviewed_at": utcnow()}],
        )  # fmt: skip
        action = f"{'approve' if trendable else 'reject'}_trend"
        await record(tx, actor.account_id, action, TARGET_TYPES[kind], target_id)
