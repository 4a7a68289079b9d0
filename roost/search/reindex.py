"""Rebuilding the full-text index of posts (`roost search reindex`), reporting progress.

The index follows every write by itself (migration 0017); rebuilding is for an index
that was damaged, or that was dropped to bulk-load posts faster. On SQLite the FTS5 table
is emptied and filled again in batches inside one transaction, so nobody ever searches a
half-built index (writers wait meanwhile; readers do not). On PostgreSQL the GIN index
is rebuilt with REINDEX CONCURRENTLY, which blocks nobody, and its progress is read from
pg_stat_progress_create_index.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import sqlalchemy as sa

from roost.db import Database
from roost.statuses.tables import statuses

Progress = Callable[[int, int], None]  # (done, total)
BATCH = 5000
_BATCH_END = sa.text(
    "SELECT max(id) AS last_id, count(*) AS n FROM (SELECT id FROM statuses"
    " WHERE reblog_of_id IS NULL AND id > :after AND id <= :last ORDER BY id LIMIT :n) AS b"
)
_FILL = sa.text(
    "INSERT INTO status_search(rowid, spoiler_text, text)"
    " SELECT id, spoiler_text, text FROM statuses"
    " WHERE reblog_of_id IS NULL AND id > :after AND id <= :end"
)


async def reindex(db: Database, progress: Progress) -> int:
    """Rebuild the index; returns how many posts it holds."""
    originals = statuses.c.reblog_of_id.is_(None)
    total = int(await db.scalar(sa.select(sa.func.count()).where(originals)) or 0)
    if db.is_sqlite:
        await _sqlite(db, total, progress)
    else:
        await _postgres(db, total, progress)
    return total


async def _sqlite(db: Database, total: int, progress: Progress) -> None:
    done = 0
    progress(0, total)
    async with db.transaction() as tx:
        last = await tx.scalar(sa.select(sa.func.max(statuses.c.id))) or 0
        await tx.execute(sa.text("INSERT INTO status_search(status_search) VALUES('delete-all')"))
        after = 0
        while True:
            end = await tx.fetch_one(_BATCH_END, {"after": after, "last": last, "n": BATCH})
            if end is None or not end.n:
                break
            await tx.execute(_FILL.bindparams(after=after, end=end.last_id))
            done, after = min(total, done + int(end.n)), int(end.last_id)
            progress(done, total)
    progress(total, total)


async def _postgres(db: Database, total: int, progress: Progress) -> None:
    progress(0, total)
    rebuilt = asyncio.create_task(_reindex_concurrently(db))
    try:
        while not rebuilt.done():
            row = await db.fetch_one(
                sa.text(
                    "SELECT tuples_done, tuples_total, blocks_done, blocks_total"
                    " FROM pg_stat_progress_create_index WHERE relid = 'statuses'::regclass"
                )
            )
            if row is not None and row.tuples_total:
                progress(min(total, int(total * row.tuples_done / row.tuples_total)), total)
            elif row is not None and row.blocks_total:
                progress(min(total, int(total * row.blocks_done / row.blocks_total)), total)
            await asyncio.wait([rebuilt], timeout=0.5)
        await rebuilt
    finally:
        if not rebuilt.done():
            rebuilt.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await rebuilt
    progress(total, total)


async def _reindex_concurrently(db: Database) -> None:
    # REINDEX CONCURRENTLY runs outside any transaction block.
    async with db.engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await auto.execute(sa.text("REINDEX INDEX CONCURRENTLY ix_statuses_search_vector"))
