"""SQLite writes run on the loop thread; waiting for another process's write lock must
neither block the loop nor fail the write."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from roost.db import Database
from roost.db.migrate import upgrade
from roost.errors import Busy
from roost.graph.tables import blocks


@pytest.fixture
async def two(tmp_path: Path) -> tuple[Database, Database]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'roost.db'}"
    await upgrade(url)
    return Database(url), Database(url)  # as two processes on one file


async def _count(db: Database) -> int:
    return int(await db.scalar(sa.select(sa.func.count()).select_from(blocks)) or 0)


async def test_a_write_waits_for_another_process_without_blocking_the_loop(
    two: tuple[Database, Database],
) -> None:
    first, second = two
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    try:
        async with first.transaction() as tx:
            await tx.execute(sa.text("DELETE FROM blocks"))  # holds the file's write lock
            beat = asyncio.create_task(ticker())
            started = time.monotonic()

            async def write() -> float:
                async with second.transaction() as tx2:
                    await tx2.execute(sa.text("DELETE FROM blocks"))
                return time.monotonic() - started

            waiting = asyncio.create_task(write())
            await asyncio.sleep(0.3)
            assert not waiting.done(), "the second write must wait for the lock"
            assert ticks >= 10, "the loop kept running while the second write waited"
        # `first` committed: the waiting write takes the lock and commits.
        assert await asyncio.wait_for(waiting, 5) >= 0.3
        beat.cancel()
    finally:
        await first.dispose()
        await second.dispose()


async def test_a_failed_write_rolls_back_and_the_next_one_works(
    two: tuple[Database, Database],
) -> None:
    db, other = two
    try:

        async def failing() -> None:
            async with db.transaction() as tx:
                await tx.execute(sa.text("CREATE TABLE scratch (x INTEGER)"))
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            await failing()
        assert (
            await db.scalar(sa.text("SELECT count(*) FROM sqlite_master WHERE name = 'scratch'"))
            == 0
        )
        async with db.transaction() as tx:
            await tx.execute(sa.text("CREATE TABLE scratch (x INTEGER)"))
        # Committed: another connection (another process) sees it.
        assert (
            await other.scalar(sa.text("SELECT count(*) FROM sqlite_master WHERE name = 'scratch'"))
            == 1
        )
        assert await _count(other) == 0
    finally:
        await db.dispose()
        await other.dispose()


async def test_a_write_that_waits_too_long_is_refused_as_busy(
    two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two
    monkeypatch.setattr("roost.db.connections.WRITE_LOCK_TIMEOUT", 0.2)

    async def write() -> None:
        async with second.transaction() as tx:
            await tx.execute(sa.text("CREATE TABLE scratch (x INTEGER)"))

    try:
        async with first.transaction() as tx:
            await tx.execute(sa.text("DELETE FROM blocks"))
            with pytest.raises(Busy) as refused:
                await write()
        assert refused.value.status == 503
        await write()  # the lock is free again: the same connection writes
        assert (
            await first.scalar(sa.text("SELECT count(*) FROM sqlite_master WHERE name = 'scratch'"))
            == 1
        )
    finally:
        await first.dispose()
        await second.dispose()


async def test_checkpoints_run_off_the_loop_and_keep_the_wal_short(tmp_path: Path) -> None:
    """Commits hand WAL checkpoints to a thread (the writers' own automatic checkpoint is
    only a safety net), and those checkpoints let the WAL start over: under a steady
    stream of writes it stays as short as a few checkpoints' worth of commits."""
    import roost.db.sqlite as rdb

    url = f"sqlite+aiosqlite:///{tmp_path / 'roost.db'}"
    await upgrade(url)
    db = Database(url)
    wal = tmp_path / "roost.db-wal"
    insert = sa.text(
        "INSERT INTO jobs (id, kind, payload, state, attempts, run_at, created_at) "
        "VALUES (:id, 'test', '{}', 'dead', 0, '2026-01-01', '2026-01-01')"
    )
    try:
        sizes = []
        for i in range(1, 20 * rdb.CHECKPOINT_COMMITS + 1):
            async with db.transaction() as tx:
                await tx.execute(insert.bindparams(id=i))
            if i % rdb.CHECKPOINT_COMMITS == 1:
                await asyncio.sleep(0.05)  # the checkpoint task runs
                sizes.append(wal.stat().st_size)
        assert db.connections.checkpointer is not None
        assert db.connections.checkpointer.commits == 20 * rdb.CHECKPOINT_COMMITS
        # Without restarts the WAL would grow with every commit; it stays bounded.
        assert max(sizes[5:]) <= 2 * max(sizes[:5]), sizes
    finally:
        await db.dispose()
