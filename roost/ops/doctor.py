"""`roost doctor`: check an instance, name each fault with why it matters and the command
that fixes it, and (with `fix=True`) repair what is safe to repair unattended."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import stat
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from roost.accounts.tables import accounts, users
from roost.config import Settings
from roost.db import Database
from roost.db.migrate import current_revision, head_revision, upgrade
from roost.feeds import FeedStore
from roost.graph.tables import follows
from roost.ids import id_at
from roost.jobs import queue
from roost.timelines.rebuild import feed_entries_for
from roost.timeutil import utcnow

MIN_FREE_BYTES = 1 << 30  # below 1 GiB free, or 5% of the disk, writes are close to failing
MIN_FREE_FRACTION = 0.05
MAX_CLOCK_SKEW = 5.0  # seconds; ids and leases are made from the clock
MAX_BACKLOG = 300.0  # seconds a due job may wait before we call it a backlog
FEED_SAMPLE = 20  # active accounts whose feed is compared with a rebuild
FEED_DEPTH = 40  # newest entries compared per feed
SETTLE = timedelta(seconds=60)  # newer posts and follows may still be on their way (jobs)


@dataclass
class Finding:
    """One check's result: `ok`, or what is wrong, why it matters and the fixing command."""

    check: str
    ok: bool
    message: str
    why: str = ""
    fix: str = ""
    fixed: str = ""  # what `--fix` did about it

    @property
    def resolved(self) -> bool:
        return self.ok or bool(self.fixed)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Subject:
    """What the doctor examines: one instance's settings, database, feeds and Redis."""

    settings: Settings
    db: Database
    feeds: FeedStore
    redis: Any = None  # the instance's Redis client, when scaled out


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


def sqlite_path(settings: Settings) -> Path | None:
    """The SQLite database file, or None on PostgreSQL (or in memory)."""
    if not settings.is_sqlite:
        return None
    path = settings.database_url.split(":///", 1)[1]
    return Path(path) if path and path != ":memory:" else None


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


async def check_job_backlog(subject: Subject, fix: bool) -> list[Finding]:
    """Due jobs are being run: the oldest one has not waited long."""
    since = await queue.oldest_due(subject.db)
    waited = 0.0 if since is None else (utcnow() - since).total_seconds()
    if waited <= MAX_BACKLOG:
        return [Finding("job_backlog", True, f"The oldest due job has waited {waited:.0f} s.")]
    return [
        Finding(
            "job_backlog",
            False,
            f"The oldest due job has waited {waited:.0f} s.",
            why="Fan-out runs as jobs: followers do not see new posts until it runs. Is a "
            "worker running (`roost serve` without --no-worker, or `roost worker`)?",
            fix="roost worker  # start one more (as a service)",
        )
    ]


async def check_dead_jobs(subject: Subject, fix: bool) -> list[Finding]:
    """No job has failed all its attempts."""
    dead = (await queue.counts(subject.db)).get("dead", 0)
    if not dead:
        return [Finding("dead_jobs", True, "No dead jobs.")]
    latest = await queue.dead_jobs(subject.db, 3)
    errors = "; ".join(
        f"{job.kind}: {((job.last_error or '').strip().splitlines() or [''])[-1]}" for job in latest
    )
    finding = Finding(
        "dead_jobs",
        False,
        f"{dead} jobs failed every attempt and are dead (latest: {errors}).",
        why="Their work (a fan-out, a feed merge) was never done: some followers miss "
        "posts. `roost jobs` shows their errors.",
        fix="roost jobs --retry-dead",
    )
    if fix:
        finding.fixed = f"Queued {await queue.retry_dead(subject.db)} dead jobs again."
    return [finding]


async def check_stuck_jobs(subject: Subject, fix: bool) -> list[Finding]:
    """No running job has outlived its lease (its worker stopped)."""
    stuck = await queue.lapsed_count(subject.db)
    if not stuck:
        return [Finding("stuck_jobs", True, "No job is held past its lease.")]
    finding = Finding(
        "stuck_jobs",
        False,
        f"{stuck} running jobs outlived their lease: their worker stopped.",
        why="Any worker takes them over on its next claim; if none is running they wait.",
        fix="roost worker --once",
    )
    if fix:
        finding.fixed = f"Queued {await queue.release_lapsed(subject.db)} jobs again."
    return [finding]


async def check_feeds(subject: Subject, fix: bool) -> list[Finding]:
    """A sample of active accounts' home feeds holds what a rebuild would put there."""
    db, settings = subject.db, subject.settings
    active = await db.scalars(
        sa.select(users.c.account_id)
        .where(users.c.last_active_at >= utcnow() - timedelta(days=settings.inactive_days))
        .order_by(users.c.last_active_at.desc())
        .limit(FEED_SAMPLE)
    )
    settled = id_at(datetime.now(UTC) - SETTLE)
    broken: list[int] = []
    checked = 0
    for owner in active:
        page = await subject.feeds.page(owner, limit=FEED_DEPTH)
        if page is None:
            continue  # absent: rebuilt on the next read
        checked += 1
        expected = await _expected_feed(db, settings, owner, settled)
        if len(page) >= FEED_DEPTH:
            expected = [i for i in expected if i >= min(page)]
        if set(expected) - set(page):
            broken.append(owner)
    if not broken:
        return [Finding("feeds", True, f"{checked} sampled home feeds hold what they should.")]
    finding = Finding(
        "feeds",
        False,
        f"{len(broken)} of {checked} sampled home feeds miss recent posts "
        f"(accounts {', '.join(map(str, broken))}).",
        why="Those people do not see some posts of accounts they follow.",
        fix="roost doctor --fix  # drops those feeds: each is rebuilt on its next read",
    )
    if fix:
        for owner in broken:
            await subject.feeds.drop(owner)
        finding.fixed = f"Dropped {len(broken)} feeds; each is rebuilt on its next read."
    return [finding]


async def _expected_feed(db: Database, settings: Settings, owner: int, settled: int) -> list[int]:
    """Status ids a rebuild would put at the top of `owner`'s feed, less what may still be
    on its way: posts and follows younger than SETTLE, and big accounts' posts (merged at
    read time, never fanned out)."""
    entries = await feed_entries_for(db, owner, limit=FEED_DEPTH)
    fresh = {
        row.target_account_id
        for row in await db.fetch_all(
            sa.select(follows.c.target_account_id).where(
                follows.c.account_id == owner, follows.c.created_at > utcnow() - SETTLE
            )
        )
    }
    authors = {author for _, author in entries}
    big = set(
        await db.scalars(
            sa.select(accounts.c.id).where(
                accounts.c.id.in_(authors), accounts.c.followers_count > settings.fanout_threshold
            )
        )
    )
    return [i for i, author in entries if i < settled and author not in fresh | big]


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
]
NEEDS_DATABASE = {check_clock, check_job_backlog, check_dead_jobs, check_stuck_jobs, check_feeds}
