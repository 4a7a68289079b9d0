"""SQLite's connection settings and its WAL checkpoints, run off the event loop."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

# `Checkpointer`: one checkpoint in a thread after this many commits; the writers' own
# automatic checkpoint, on the loop, is only a safety net at WAL_SAFETY_PAGES (~64 MB of
# WAL).
CHECKPOINT_COMMITS = 16
WAL_SAFETY_PAGES = 16384
log = logging.getLogger(__name__)


def sqlite_pragmas(sync_engine: sa.Engine, synchronous: str = "normal") -> None:
    """Every connection of `sync_engine`: WAL, `synchronous` (normal or full, see
    docs/operations.md), foreign keys, a busy timeout, and BEGIN issued by us
    (`sqlite_begin` execution option) rather than by pysqlite."""
    level = {"normal": "NORMAL", "full": "FULL"}[synchronous]

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's own transaction handling is broken
        # for BEGIN IMMEDIATE); see SQLAlchemy's "Serializable isolation" recipe.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={level}")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Only write transactions begin; reads run in autocommit mode.
        mode = conn.get_execution_options().get("sqlite_begin")
        if mode is not None:
            conn.exec_driver_sql(f"BEGIN {mode}")


class Checkpointer:
    """Runs SQLite's WAL checkpoints off the event loop.

    Left to SQLite, a checkpoint runs inside the commit that pushes the WAL past 1,000
    pages, on the event loop: it copies the pages into the database file and fsyncs it
    (measured: a post's commit took 0.42 ms on average, 0.085 ms without it, and the
    POST benchmark's p99 was 84 ms, 24-28 ms without it, at the same req/s). Here every
    CHECKPOINT_COMMITS commits a task takes the process's write lock and runs a PASSIVE
    checkpoint in a thread, on a connection of its own: reads go on meanwhile, writes
    wait for it. Holding the write lock matters: a checkpoint that runs beside writes
    never finds the WAL fully copied, so the WAL is never restarted and grows (measured:
    16k pages after 1,000 posts); after one that held it, the next write starts the WAL
    over. (Another process's writes can still interleave; the next checkpoint catches up,
    and the writers' own automatic checkpoint at WAL_SAFETY_PAGES bounds the WAL.)"""

    def __init__(self, path: str, lock: asyncio.Lock) -> None:
        self.path = path
        self.lock = lock
        self.commits = 0
        self._conn: sqlite3.Connection | None = None
        self._task: asyncio.Future[None] | None = None

    def committed(self) -> None:
        self.commits += 1
        if self.commits % CHECKPOINT_COMMITS == 0 and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._checkpoint())

    async def _checkpoint(self) -> None:
        try:
            async with self.lock:
                await asyncio.to_thread(self._run)
        except Exception:  # e.g. the file went away under a test; the next one tries again
            log.warning("WAL checkpoint failed", exc_info=True)

    def _run(self) -> None:
        if self._conn is None:
            self._conn = sqlite3.connect(self.path, check_same_thread=False)
        self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    async def close(self) -> None:
        if self._task is not None:
            await self._task
            self._task = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
