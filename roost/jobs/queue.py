"""The job queue: enqueue inside a write transaction; claim, finish and retry jobs.

At-least-once: a job is deleted only after its handler returned, so handlers are
idempotent. A worker holds a lease on what it claimed; if it dies, the lease runs out and
another worker claims the job again. Failures retry with exponential backoff, and after
MAX_ATTEMPTS a job is `dead`: kept, with its last error, for the operator to see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from roost.db import Database, Transaction
from roost.db.prepared import any_of
from roost.ids import new_id
from roost.jobs.tables import jobs
from roost.logs import request_id
from roost.timeutil import utcnow

MAX_ATTEMPTS = 8
BASE_BACKOFF = 2.0  # seconds; attempt n waits BASE_BACKOFF * 2**(n-1), capped
MAX_BACKOFF = 3600.0


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int


_INSERT = jobs.insert()  # built once: a fresh insert().values() per post cost ~15% of it


async def enqueue(
    tx: Transaction, kind: str, payload: dict[str, Any], *, delay: float = 0.0
) -> int:
    """Queue a job inside `tx`: it exists if and only if the transaction commits. The
    request (or job) queueing it is recorded as `request_id` in its payload, so that the
    job's log lines carry that id too (roost.jobs.worker)."""
    rid = request_id.get()
    if rid is not None:
        payload = {**payload, "request_id": rid}
    job_id = new_id()
    now = utcnow()
    run_at = now + timedelta(seconds=delay)
    row = {"id": job_id, "kind": kind, "payload": payload, "state": "queued",
           "run_at": run_at, "created_at": now}  # fmt: skip
    await tx.execute(_INSERT, [row])
    tx.wake_jobs()
    return job_id


async def claim(db: Database, worker: str, *, limit: int = 10, lease: float = 30.0) -> list[Job]:
    """Take up to `limit` runnable jobs (queued and due, or running with a lapsed lease)."""
    now = utcnow()
    runnable = sa.or_(
        sa.and_(jobs.c.state == "queued", jobs.c.run_at <= now),
        sa.and_(jobs.c.state == "running", jobs.c.locked_until < now),
    )
    # Concurrent workers skip each other's rows instead of waiting on them (PostgreSQL;
    # SQLite, which has one writer, compiles no FOR UPDATE).
    pick = (
        sa.select(jobs.c.id)
        .where(runnable)
        .order_by(jobs.c.run_at, jobs.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    async with db.transaction() as tx:
        rows = await tx.fetch_all(
            jobs.update()
            .where(jobs.c.id.in_(pick.scalar_subquery()))
            .values(
                state="running",
                attempts=jobs.c.attempts + 1,
                locked_until=now + timedelta(seconds=lease),
                locked_by=worker,
            )
            .returning(jobs.c.id, jobs.c.kind, jobs.c.payload, jobs.c.attempts)
        )
    return sorted((Job(r.id, r.kind, r.payload, r.attempts) for r in rows), key=lambda j: j.id)


async def extend_lease(db: Database, job_id: int, worker: str, lease: float) -> None:
    """Keep a long job's lease (a heartbeat)."""
    await db.execute(
        jobs.update()
        .where(jobs.c.id == job_id, jobs.c.locked_by == worker)
        .values(locked_until=utcnow() + timedelta(seconds=lease))
    )


async def complete(db: Database, job_id: int) -> None:
    async with db.transaction() as tx:
        await tx.execute(_DELETE, [{"job_id": job_id}])


_DELETE = jobs.delete().where(jobs.c.id == sa.bindparam("job_id", type_=sa.BigInteger))


async def complete_many(db: Database, job_ids: list[int]) -> None:
    """`complete` for several jobs, in one transaction."""
    async with db.transaction() as tx:
        await tx.execute(_DELETE_MANY, [{"job_ids": job_ids}])


_DELETE_MANY = jobs.delete().where(any_of(jobs.c.id, "job_ids"))


async def fail(db: Database, job: Job, error: str) -> str:
    """Schedule a retry with backoff, or mark the job dead; returns the new state."""
    if job.attempts >= MAX_ATTEMPTS:
        state, run_at = "dead", utcnow()
    else:
        delay = min(MAX_BACKOFF, BASE_BACKOFF * 2 ** (job.attempts - 1))
        state, run_at = "queued", utcnow() + timedelta(seconds=delay)
    await db.execute(
        jobs.update()
        .where(jobs.c.id == job.id)
        .values(
            state=state, run_at=run_at, locked_until=None, locked_by=None, last_error=error[:4000]
        )
    )
    return state


async def counts(db: Database) -> dict[str, int]:
    """Jobs per state (for /metrics, `roost doctor` and `roost jobs`)."""
    rows = await db.fetch_all(
        sa.select(jobs.c.state, sa.func.count().label("n")).group_by(jobs.c.state)
    )
    return {r.state: int(r.n) for r in rows}


async def dead_jobs(db: Database, limit: int = 50) -> list[Any]:
    return list(
        await db.fetch_all(
            sa.select(jobs).where(jobs.c.state == "dead").order_by(jobs.c.id.desc()).limit(limit)
        )
    )


async def retry_dead(db: Database) -> int:
    """Put every dead job back in the queue (after the operator fixed the cause)."""
    result = await db.execute(
        jobs.update()
        .where(jobs.c.state == "dead")
        .values(state="queued", attempts=0, run_at=utcnow(), last_error=None)
    )
    return int(result.rowcount or 0)


async def oldest_due(db: Database) -> Any:
    """When the longest-waiting due job became due (None: nothing is waiting)."""
    return await db.scalar(
        sa.select(sa.func.min(jobs.c.run_at)).where(
            jobs.c.state == "queued", jobs.c.run_at <= utcnow()
        )
    )


def _lapsed() -> sa.ColumnElement[bool]:
    return sa.and_(jobs.c.state == "running", jobs.c.locked_until < utcnow())


async def lapsed_count(db: Database) -> int:
    """Running jobs whose lease ran out: their worker stopped before finishing them."""
    return int(await db.scalar(sa.select(sa.func.count()).select_from(jobs).where(_lapsed())))


async def release_lapsed(db: Database) -> int:
    """Queue jobs with a lapsed lease again now (a worker's claim would take them anyway)."""
    result = await db.execute(
        jobs.update()
        .where(_lapsed())
        .values(state="queued", run_at=utcnow(), locked_until=None, locked_by=None)
    )
    return int(result.rowcount or 0)
