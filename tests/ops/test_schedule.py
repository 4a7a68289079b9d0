"""Scheduled backups on the suite's database (SQLite, or PostgreSQL with pg_dump): due at
once, then once per interval, by exactly one of several processes, pruned, and a failure
recorded for `roost doctor` and retried."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from roost.config import Settings
from roost.db import Database
from roost.instance import Roost
from roost.ops.backup import PREFIX, SUFFIX, newest_backup
from roost.ops.doctor import check_backups
from roost.ops.findings import Finding, Subject
from roost.ops.schedule import BACKUP, Scheduler, last_run
from roost.ops.tables import schedules
from roost.timeutil import utcnow


def with_backups(roost: Roost, directory: Path, **changes: object) -> Settings:
    return dataclasses.replace(roost.settings, backup_dir=directory, **changes)  # type: ignore[arg-type]  # Settings' fields, by name


def archives(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"{PREFIX}*{SUFFIX}"))


async def doctor(roost: Roost, settings: Settings) -> Finding:
    subject = Subject(settings, roost.db, roost.feeds, roost.backends.redis)
    [finding] = await check_backups(subject, False)
    return finding


async def test_the_first_backup_is_due_at_once_then_once_per_interval(
    roost: Roost, tmp_path: Path
) -> None:
    settings = with_backups(roost, tmp_path / "backups", backup_interval_hours=1.0)
    scheduler = Scheduler(settings, roost.db)
    assert (await doctor(roost, settings)).ok is False  # no backup yet
    first = await scheduler.run_once()
    assert first is not None
    assert archives(tmp_path / "backups") == [first]
    assert await scheduler.run_once() is None
    assert await Scheduler(settings, roost.db).run_once() is None  # a restarted process
    assert archives(tmp_path / "backups") == [first]
    run = await last_run(roost.db)
    assert run.error is None
    assert run.started_at is not None
    assert run.finished_at is not None
    assert run.finished_at >= run.started_at
    assert newest_backup(tmp_path / "backups") == (first, first.stat().st_mtime)
    finding = await doctor(roost, settings)
    assert finding.ok, finding
    assert first.name in finding.message


async def test_of_two_processes_exactly_one_takes_each_backup(roost: Roost, tmp_path: Path) -> None:
    settings = with_backups(roost, tmp_path / "backups", backup_interval_hours=1.0)
    other_db = Database(settings.database_url)  # another process's connections
    try:
        one, two = Scheduler(settings, roost.db), Scheduler(settings, other_db)
        for _ in range(3):
            taken = await asyncio.gather(one.run_once(), two.run_once())
            assert len([t for t in taken if t is not None]) <= 1
        assert len(archives(tmp_path / "backups")) == 1
    finally:
        await other_db.dispose()


async def test_a_run_in_progress_elsewhere_is_left_to_it(roost: Roost, tmp_path: Path) -> None:
    settings = with_backups(roost, tmp_path / "backups")
    now = utcnow()
    await roost.db.execute(
        schedules.insert().values(
            name=BACKUP, last_started_at=now, lease_until=now + timedelta(minutes=5)
        )
    )
    assert await Scheduler(settings, roost.db).run_once() is None
    assert (await doctor(roost, settings)).message == "The first scheduled backup is being written."


async def test_retention_keeps_the_newest(roost: Roost, tmp_path: Path) -> None:
    directory = tmp_path / "backups"
    directory.mkdir()
    (directory / "notes.txt").write_text("not ours")
    settings = with_backups(roost, directory, backup_keep=2, backup_interval_hours=1e-6)
    scheduler = Scheduler(settings, roost.db)
    taken = []
    for _ in range(4):
        taken.append(await scheduler.run_once())
        await asyncio.sleep(0.01)
    assert None not in taken
    assert archives(directory) == taken[-2:]
    assert (directory / "notes.txt").exists()


async def test_a_failure_is_recorded_named_by_the_doctor_and_retried(
    roost: Roost, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    settings = with_backups(roost, blocker / "backups")
    scheduler = Scheduler(settings, roost.db, retry_after=3600)
    assert await scheduler.run_once() is None
    run = await last_run(roost.db)
    assert run.error is not None
    assert "NotADirectoryError" in run.error
    finding = await doctor(roost, settings)
    assert not finding.ok
    assert "failed: NotADirectoryError" in finding.message
    assert "since the newest backup (ever)" in finding.why
    assert finding.fix.startswith(f"roost backup --dir {blocker / 'backups'}")
    assert await scheduler.run_once() is None  # not again before the backoff
    assert (await last_run(roost.db)).finished_at == run.finished_at

    blocker.unlink()
    retrying = Scheduler(settings, roost.db, retry_after=0)
    taken = await retrying.run_once()
    assert taken is not None
    assert taken.exists()
    assert (await last_run(roost.db)).error is None
    assert (await doctor(roost, settings)).ok


async def test_a_run_whose_process_died_is_named_and_retried(roost: Roost, tmp_path: Path) -> None:
    settings = with_backups(roost, tmp_path / "backups")
    now = utcnow()
    started = now - timedelta(minutes=30)
    await roost.db.execute(
        schedules.insert().values(
            name=BACKUP, last_started_at=started, lease_until=now - timedelta(minutes=20)
        )
    )
    finding = await doctor(roost, settings)
    assert not finding.ok
    assert "never finished" in finding.message, finding
    assert await Scheduler(settings, roost.db, retry_after=3600).run_once() is None
    assert await Scheduler(settings, roost.db, retry_after=60).run_once() is not None


async def test_the_worker_runs_the_schedule_and_stops_with_it(roost: Roost, tmp_path: Path) -> None:
    settings = with_backups(roost, tmp_path / "backups")
    instance = Roost(settings, roost.db)
    try:
        task = instance.start_worker()
        for _ in range(100):
            if archives(tmp_path / "backups"):
                break
            await asyncio.sleep(0.1)
        assert len(archives(tmp_path / "backups")) == 1
        instance.close_worker()
        await asyncio.wait_for(task, 5)
    finally:
        await instance.close()
    count = await roost.db.scalar(sa.select(sa.func.count()).select_from(schedules))
    assert count == 1
