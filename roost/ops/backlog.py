"""`roost doctor`'s checks on the work Roost owes: jobs waiting, dead or stuck, and home
feeds that missed a fan-out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from roost.accounts.tables import accounts, users
from roost.config import Settings
from roost.db import Database
from roost.graph.tables import follows
from roost.ids import id_at
from roost.jobs import queue
from roost.ops.findings import Finding, Subject
from roost.timelines.rebuild import feed_entries_for
from roost.timeutil import utcnow

FEED_SAMPLE = 20  # active accounts whose feed is compared with a rebuild
FEED_DEPTH = 40  # newest entries compared per feed
SETTLE = timedelta(seconds=60)  # newer posts and follows may still be on their way (jobs)


async def check_job_backlog(subject: Subject, fix: bool) -> list[Finding]:
    """Due jobs are being run: the oldest one has not waited long."""
    since = await queue.oldest_due(subject.db)
    waited = 0.0 if since is None else (utcnow() - since).total_seconds()
    if waited <= subject.settings.ready_max_job_lag:  # ROOST_READY_MAX_JOB_LAG, as /health/ready
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
