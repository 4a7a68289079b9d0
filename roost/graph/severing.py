"""Ending every relationship of an account being deleted, in batches."""

from __future__ import annotations

import sqlalchemy as sa

from roost.db import Database
from roost.graph.actions import _remove_follow, _remove_request
from roost.graph.tables import blocks, follow_requests, follows, mutes


async def do_sever_relationships(db: Database, account_id: int, limit: int = 200) -> int:
    """End a batch of the account's follows (both ways, with their counters, feeds and
    notifications) and follow requests, then its blocks and mutes, both ways. Returns how
    many relationships went; 0 once none are left."""
    done = 0
    async with db.transaction() as tx:
        for table in (follows, follow_requests):
            remove = _remove_follow if table is follows else _remove_request
            rows = await tx.fetch_all(
                sa.select(table.c.account_id, table.c.target_account_id)
                .where(
                    sa.or_(
                        table.c.account_id == account_id, table.c.target_account_id == account_id
                    )
                )
                .limit(limit)
            )
            for row in rows:
                await remove(tx, row.account_id, row.target_account_id)
            done += len(rows)
        for table in (blocks, mutes):
            result = await tx.execute(
                table.delete().where(
                    sa.or_(
                        table.c.account_id == account_id, table.c.target_account_id == account_id
                    )
                )
            )
            done += result.rowcount or 0
    return done
