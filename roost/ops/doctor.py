"""`roost doctor`: check an instance, name each fault with why it matters and the command
that fixes it, and (with `fix=True`) repair what is safe to repair unattended."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import stat
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from roost.db.migrate import current_revision, head_revision, upgrade
from roost.ops.backlog import (
    check_dead_jobs,
    check_feeds,
    check_job_backlog,
    check_stuck_jobs,
)
from roost.ops.backup import newest_backup
from roost.ops.findings import Finding, Subject, sqlite_path
from roost.ops.schedule import last_run
from roost.timeutil import utcnow

MIN_FREE_BYTES = 1 << 30  # below 1 GiB free, or 5% of the disk, writes are close to failing
MIN_FREE_FRACTION = 0.05
MAX_CLOCK_SKEW = 5.0  # seconds; ids and leases are made from the clock


def config_finding(error: ValueError) -> Finding:
    """The finding for settings that do not load (nothing else can be checked)."""
    names = re.findall(r"ROOST_[A-Z0-9_]+", str(error))
    fix = f"unset {names[0]}  # or set it to a valid value" if names else "see docs/operations.md"
    return Finding(
        "config",
        False,
        f"The configuration does not load: {error}",
        why="No Roost process (serve, worker, migrate) starts with it.",
        fix=fix,
    )


Check = Callable[[Subject, bool], Awaitable[list[Finding]]]


async def examine(subject: Subject, *, fix: bool = False) -> list[Finding]:
    """Run every check in order; with `fix`, repair what is safe. A check that fails to
    run becomes a finding itself; without a reachable database only the rest run."""
    findings = [Finding("config", True, "The configuration loads.")]
    database = await _run(check_database, subject, fix)
    findings += database
    # Pending migrations leave most checks runnable; an empty database none of them.
    reachable = database[0].resolved and not any(
        f.message.startswith(EMPTY) and not f.resolved for f in database
    )
    for check in CHECKS:
        if check in NEEDS_DATABASE and not reachable:
            continue
        findings += await _run(check, subject, fix)
    return findings


async def _run(check: Check, subject: Subject, fix: bool) -> list[Finding]:
    name = check.__name__.removeprefix("check_")
    try:
        return await check(subject, fix)
    except Exception as exc:
        return [
            Finding(
                name,
                False,
                f"The {name} check could not run: {type(exc).__name__}: {_first_line(exc)}",
                why="What it checks is unknown until it can run.",
                fix="roost doctor  # again, once the error above is dealt with",
            )
        ]


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [""])[0]


EMPTY = "The database is empty"


async def check_database(subject: Subject, fix: bool) -> list[Finding]:
    """The database answers, and every migration has been applied."""
    settings = subject.settings
    path = sqlite_path(settings)
    head = head_revision()
    if path is not None and not path.exists():
        finding = Finding(
            "database",
            False,
            f"There is no database at {path}.",
            why="Roost has nothing to serve; `roost serve` would create an empty one.",
            fix="roost migrate",
        )
        if fix:
            await upgrade(settings.database_url)
            finding.fixed = f"Created the database and applied migrations up to {head}."
        return [finding]
    try:
        await subject.db.scalar(sa.select(sa.literal(1)))
    except Exception as exc:
        backend = "SQLite" if settings.is_sqlite else "PostgreSQL"
        return [
            Finding(
                "database",
                False,
                f"The {backend} database does not answer: {type(exc).__name__}: {_first_line(exc)}",
                why="Nothing can be read or written: every request fails.",
                fix=(
                    f"ls -l {path}  # check the file and its disk"
                    if path
                    else 'pg_isready -d "$ROOST_DATABASE_URL" || sudo systemctl start postgresql'
                ),
            )
        ]
    reached = Finding("database", True, "The database answers.")
    current = await current_revision(settings.database_url)
    if current == head:
        return [reached, Finding("migrations", True, f"The schema is up to date ({head}).")]
    finding = Finding(
        "migrations",
        False,
        f"{EMPTY}: no migration has been applied (the code is at {head})."
        if current is None
        else f"Migrations are pending: the database is at {current}, the code at {head}.",
        why="Code that expects the new schema fails on the old one; `roost serve` applies "
        "them at start, but running processes do not.",
        fix="roost migrate",
    )
    if fix:
        await upgrade(settings.database_url)
        finding.fixed = f"Applied migrations up to {head}."
    return [reached, finding]


async def check_redis(subject: Subject, fix: bool) -> list[Finding]:
    """Redis answers, when the instance is configured with it."""
    if not subject.settings.redis_url or subject.redis is None:
        return [Finding("redis", True, "Redis is not configured (embedded backends).")]
    try:
        await asyncio.wait_for(subject.redis.ping(), timeout=3)
    except Exception as exc:
        return [
            Finding(
                "redis",
                False,
                f"Redis does not answer at ROOST_REDIS_URL: {type(exc).__name__}: {exc}",
                why="Home feeds, live updates, caches and rate limits live there: timelines "
                "fall back to SQL and live updates stop until it is back.",
                fix='redis-cli -u "$ROOST_REDIS_URL" ping || sudo systemctl start redis-server',
            )
        ]
    return [Finding("redis", True, "Redis answers.")]


async def check_disk(subject: Subject, fix: bool) -> list[Finding]:
    """The data dir's disk has room for the database to grow."""
    place = subject.settings.data_dir.absolute()
    while not place.exists() and place != place.parent:
        place = place.parent
    usage = shutil.disk_usage(place)
    free_mib = usage.free // (1 << 20)
    if usage.free >= MIN_FREE_BYTES or usage.free >= MIN_FREE_FRACTION * usage.total:
        return [Finding("disk", True, f"{free_mib} MiB free for {place}.")]
    return [
        Finding(
            "disk",
            False,
            f"Only {free_mib} MiB free of {usage.total // (1 << 20)} MiB for {place}.",
            why="When the disk is full every write (posts, sign-ins, jobs) fails; reads go on.",
            fix=f"du -sh {place}/* | sort -h  # then free space, or move the data dir "
            "to a larger disk",
        )
    ]


async def check_clock(subject: Subject, fix: bool) -> list[Finding]:
    """This machine's clock agrees with the database server's (PostgreSQL)."""
    if subject.db.is_sqlite:
        return [Finding("clock", True, "Skipped: SQLite runs on this machine's own clock.")]
    theirs = await subject.db.scalar(sa.select(sa.func.now()))
    ours = datetime.now(UTC)
    if theirs.tzinfo is None:
        theirs = theirs.replace(tzinfo=UTC)
    skew = (ours - theirs).total_seconds()
    if abs(skew) <= MAX_CLOCK_SKEW:
        return [Finding("clock", True, f"The clock agrees with the database's ({skew:+.1f} s).")]
    return [
        Finding(
            "clock",
            False,
            f"This machine's clock is {skew:+.1f} s off the database server's.",
            why="Ids, job leases and rate-limit windows come from the clock: posts may sort "
            "out of order and jobs be taken over while still running.",
            fix="sudo timedatectl set-ntp true  # on both machines",
        )
    ]


async def check_permissions(subject: Subject, fix: bool) -> list[Finding]:
    """The data dir and the files with secrets in it are the owner's alone."""
    data_dir = subject.settings.data_dir
    wanted: list[tuple[Path, int]] = [(data_dir, 0o700), (data_dir / "secret_key", 0o600)]
    db_file = sqlite_path(subject.settings)
    if db_file is not None:
        wanted += [(Path(f"{db_file}{suffix}"), 0o600) for suffix in ("", "-wal", "-shm")]
    findings = []
    for path, mode in wanted:
        if not path.exists():
            continue
        have = stat.S_IMODE(path.stat().st_mode)
        if not have & 0o077:
            continue
        finding = Finding(
            "permissions",
            False,
            f"{path} has mode {have:04o}: others on this machine can read it.",
            why="It holds password hashes, emails, tokens or the key that signs sessions.",
            fix=f"chmod {mode:o} {path}",
        )
        if fix:
            os.chmod(path, mode)
            finding.fixed = f"chmod {mode:o} {path}"
        findings.append(finding)
    return findings or [Finding("permissions", True, "The data dir and its files are private.")]


async def check_backups(subject: Subject, fix: bool) -> list[Finding]:
    """Scheduled backups (when ROOST_BACKUP_DIR is set) succeed, and the newest is recent."""
    settings = subject.settings
    directory = settings.backup_dir
    if directory is None:
        return [Finding("backups", True, "Scheduled backups are off (ROOST_BACKUP_DIR is unset).")]
    hours = settings.backup_interval_hours
    newest = await asyncio.to_thread(newest_backup, directory)
    age = None if newest is None else max(0.0, time.time() - newest[1])
    since = "ever" if newest is None else f"{newest[0].name}, {_hours(age or 0)} ago"
    why = f"A lost disk or a bad upgrade would lose everything since the newest backup ({since})."
    command = f"roost backup --dir {directory}  # shows the error; check that the dir is writable "
    command += f"and has room: ls -ld {directory}; df -h {directory}"
    now = utcnow()
    run = await last_run(subject.db)
    if run.failed(now):
        return [
            Finding(
                "backups",
                False,
                f"The last scheduled backup into {directory} failed: {run.failure(now)}.",
                why=why + " Roost retries it every few minutes.",
                fix=command,
            )
        ]
    if age is None or age > 2 * hours * 3600:
        first = run.running(now) and newest is None
        return [
            Finding(
                "backups",
                first,
                "The first scheduled backup is being written."
                if first
                else f"There is no backup in {directory} yet; one is due every {hours:g} h."
                if newest is None
                else f"The newest backup in {directory} is {_hours(age or 0)} old; one is due "
                f"every {hours:g} h.",
                why=why + " Scheduled backups are taken by `roost serve` (unless --no-worker) "
                "and `roost worker`: is one running?",
                fix=command,
            )
        ]
    assert newest is not None
    return [
        Finding(
            "backups",
            True,
            f"The newest backup, {newest[0]}, is {_hours(age)} old "
            f"(one every {hours:g} h, keeping {settings.backup_keep}).",
        )
    ]


def _hours(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


# In order; `check_database` runs first, and these need it to have succeeded.
CHECKS: list[Check] = [
    check_redis,
    check_disk,
    check_clock,
    check_job_backlog,
    check_dead_jobs,
    check_stuck_jobs,
    check_feeds,
    check_permissions,
    check_backups,
]
NEEDS_DATABASE = {
    check_clock,
    check_job_backlog,
    check_dead_jobs,
    check_stuck_jobs,
    check_feeds,
    check_backups,
}
