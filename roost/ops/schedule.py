"""Scheduled backups, taken by the processes that run jobs (no cron needed).

Every process with a job worker runs a `Scheduler` beside it when ROOST_BACKUP_DIR is set.
Each wakes every `tick` seconds; when a backup is due, the processes race for it through
the `schedules` row (a compare-and-swap on `last_started_at`: one UPDATE matches, the others
match nothing), so exactly one of them, on whichever machine, takes each backup. The winner
holds the run with a lease it extends while the backup runs; should its process die, the
lease lapses and the run counts as failed, to be retried.

A backup is not a job in the job table: a pg_dump of a large database takes minutes, and a
worker runs its jobs one after the other, so it would hold up fan-out meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from roost.config import Settings
from roost.db import Database
from roost.ops.backup import newest_backup, prune, timestamped, write_backup
from roost.ops.tables import schedules
from roost.timeutil import utcnow

log = logging.getLogger("roost.schedule")

BACKUP = "backup"
TICK_SECONDS = 60.0
RETRY_SECONDS = 600.0  # after a failed backup (at most the interval): a full disk, a bad dir
LEASE_SECONDS = 300.0  # extended every third of it while a backup runs


@dataclass(frozen=True)
class Run:
    """What the `schedules` row says of a task's last run."""

    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    lease_until: datetime | None

    def running(self, now: datetime) -> bool:
        return self.lease_until is not None and self.lease_until > now

    def interrupted(self, now: datetime) -> bool:
        """Started, never finished, and its lease has lapsed: its process stopped."""
        return (
            self.started_at is not None
            and (self.finished_at is None or self.finished_at < self.started_at)
            and not self.running(now)
        )

    def failed(self, now: datetime) -> bool:
        return self.interrupted(now) or (self.error is not None and not self.running(now))

    def failure(self, now: datetime) -> str:
        """The last run's error, in words (when `failed`)."""
        if self.interrupted(now):
            return f"the run started at {self.started_at:%Y-%m-%d %H:%M} UTC never finished"
        return self.error or ""


NEVER = Run(None, None, None, None)


async def last_run(db: Database, name: str = BACKUP) -> Run:
    """The last run of the task `name` (NEVER when it has not run yet)."""
    c = schedules.c
    row = await db.fetch_one(
        sa.select(c.last_started_at, c.last_finished_at, c.last_error, c.lease_until).where(
            c.name == name
        )
    )
    if row is None:
        return NEVER
    return Run(row.last_started_at, row.last_finished_at, row.last_error, row.lease_until)


class Scheduler:
    """Takes a backup into `settings.backup_dir` every `backup_interval_hours` and keeps
    the newest `backup_keep`, until stopped. `tick`, `retry_after` and `lease` are seconds
    (tests shorten them)."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        tick: float = TICK_SECONDS,
        retry_after: float = RETRY_SECONDS,
        lease: float = LEASE_SECONDS,
    ) -> None:
        assert settings.backup_dir is not None, "scheduled backups need ROOST_BACKUP_DIR"
        self.settings = settings
        self.directory: Path = settings.backup_dir
        self.db = db
        self.tick = tick
        self.interval = timedelta(hours=settings.backup_interval_hours)
        self.retry_after = min(timedelta(seconds=retry_after), self.interval)
        self.lease = timedelta(seconds=lease)
        self._stopping = asyncio.Event()
        self._lock = asyncio.Lock()  # one backup at a time in this process

    def stop(self) -> None:
        """Stop at the next tick (a backup under way finishes first)."""
        self._stopping.set()

    async def run(self) -> None:
        """Check every `tick` until `stop()`; the first check is at once."""
        log.info("scheduled backups into %s every %s", self.directory, self.interval)
        while not self._stopping.is_set():
            try:
                await self.run_once()
            except Exception:  # the database may be briefly away: try again next tick
                log.exception("scheduled backup: could not check the schedule")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.tick)

    async def run_once(self) -> Path | None:
        """Take a backup if one is due and this process wins it; returns its archive."""
        async with self._lock:
            now = utcnow()
            run = await last_run(self.db)
            if not await asyncio.to_thread(self._due, run, now):
                return None
            if not await self._claim(run, now):
                return None  # another process took it
            return await self._take(now)

    def _due(self, run: Run, now: datetime) -> bool:
        if run.running(now):
            return False
        newest = newest_backup(self.directory)
        if newest is not None and time.time() - newest[1] < self.interval.total_seconds():
            return False  # a recent archive is there (`roost backup --dir`, another process)
        if run.started_at is None or now - run.started_at >= self.interval:
            return True
        if run.failed(now):
            since = run.finished_at if run.error is not None else run.lease_until
            return since is None or now - since >= self.retry_after
        return False

    async def _claim(self, seen: Run, now: datetime) -> bool:
        """Start a run, unless another process started one since `seen` was read."""
        c = schedules.c
        insert = (sqlite.insert if self.db.is_sqlite else postgresql.insert)(schedules)
        async with self.db.transaction() as tx:
            await tx.execute(insert.values(name=BACKUP).on_conflict_do_nothing())
            claimed = await tx.execute(
                schedules.update()
                .where(c.name == BACKUP, c.last_started_at.is_not_distinct_from(seen.started_at))
                .values(last_started_at=now, lease_until=now + self.lease)
            )
        return claimed.rowcount == 1

    async def _take(self, started: datetime) -> Path | None:
        heartbeat = asyncio.create_task(self._hold(started))
        error: str | None = None
        target: Path | None = None
        try:
            target = await asyncio.to_thread(timestamped, self.directory)
            await write_backup(self.settings, target)
            removed = await asyncio.to_thread(prune, self.directory, self.settings.backup_keep)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.error("scheduled backup failed (next try in %s): %s", self.retry_after, error)
        else:
            log.info("scheduled backup written to %s; removed %d old ones", target, len(removed))
        finally:
            heartbeat.cancel()
        c = schedules.c
        await self.db.execute(
            schedules.update()
            .where(c.name == BACKUP, c.last_started_at == started)
            .values(last_finished_at=utcnow(), last_error=error, lease_until=None)
        )
        return None if error else target

    async def _hold(self, started: datetime) -> None:
        """Extend the lease while the backup runs."""
        c = schedules.c
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                await self.db.execute(
                    schedules.update()
                    .where(c.name == BACKUP, c.last_started_at == started)
                    .values(lease_until=utcnow() + self.lease)
                )
            except Exception:
                log.exception("scheduled backup: could not extend its lease")


@dataclass(frozen=True)
class BackupFigures:
    """Scheduled backups as /metrics shows them."""

    age: float  # seconds since the newest archive was written (inf: there is none)
    failing: bool  # the last scheduled run failed, or never finished


async def backup_figures(settings: Settings, db: Database) -> BackupFigures | None:
    """The figures of scheduled backups; None when they are off (no ROOST_BACKUP_DIR)."""
    if settings.backup_dir is None:
        return None
    newest = await asyncio.to_thread(newest_backup, settings.backup_dir)
    age = float("inf") if newest is None else max(0.0, time.time() - newest[1])
    run = await last_run(db)
    return BackupFigures(age=age, failing=run.failed(utcnow()))
