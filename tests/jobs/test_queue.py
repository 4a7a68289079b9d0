"""The job queue: enqueue with the causing write, claim once, retry with backoff, dead
letters, and lapsed leases taken over."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from roost.instance import Roost
from roost.jobs import queue
from roost.jobs.context import JobContext
from roost.jobs.registry import HANDLERS, batch_job, job
from roost.jobs.tables import jobs
from roost.jobs.worker import Worker
from roost.timeutil import utcnow

calls: list[dict[str, Any]] = []


@job("test.record")
async def record(ctx: JobContext, payload: dict[str, Any]) -> None:
    calls.append(payload)


@job("test.fail")
async def always_fails(ctx: JobContext, payload: dict[str, Any]) -> None:
    raise RuntimeError("boom")


batches: list[list[dict[str, Any]]] = []


@job("test.batched")
async def one_of_many(ctx: JobContext, payload: dict[str, Any]) -> None:
    if payload.get("bad"):
        raise RuntimeError("bad payload")
    calls.append(payload)


@batch_job("test.batched")
async def many(ctx: JobContext, payloads: list[dict[str, Any]]) -> None:
    if any(p.get("bad") for p in payloads):
        raise RuntimeError("a bad payload among them")
    batches.append(payloads)
    calls.extend(payloads)


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    calls.clear()
    batches.clear()


async def _rows(roost: Roost) -> list[Any]:
    return list(await roost.db.fetch_all(sa.select(jobs).order_by(jobs.c.id)))


async def test_job_exists_only_if_its_transaction_commits(roost: Roost) -> None:
    async def enqueue_then_fail() -> None:
        async with roost.db.transaction() as tx:
            await queue.enqueue(tx, "test.record", {"n": 1})
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        await enqueue_then_fail()
    assert await _rows(roost) == []
    async with roost.db.transaction() as tx:
        await queue.enqueue(tx, "test.record", {"n": 2})
    assert roost.worker is not None
    assert await roost.worker.run_pending() == 1
    assert calls == [{"n": 2}]
    assert await _rows(roost) == []  # done jobs are deleted


async def test_claim_hands_each_job_to_one_worker(roost: Roost) -> None:
    async with roost.db.transaction() as tx:
        for n in range(30):
            await queue.enqueue(tx, "test.record", {"n": n})
    claimed = await asyncio.gather(
        *(queue.claim(roost.db, f"w{i}", limit=7, lease=30) for i in range(6))
    )
    ids = [j.id for batch in claimed for j in batch]
    assert len(ids) == len(set(ids)) == 30
    # In order of creation within a batch.
    for batch in claimed:
        assert [j.id for j in batch] == sorted(j.id for j in batch)


async def test_failures_back_off_then_go_dead(roost: Roost) -> None:
    async with roost.db.transaction() as tx:
        await queue.enqueue(tx, "test.fail", {})
    assert roost.worker is not None
    await roost.worker.run_once()
    [row] = await _rows(roost)
    assert row.state == "queued"
    assert row.attempts == 1
    assert "boom" in row.last_error
    assert row.run_at > utcnow() + timedelta(seconds=1)  # backed off, not due yet
    assert await roost.worker.run_once() == 0
    for attempt in range(2, queue.MAX_ATTEMPTS + 1):
        await roost.db.execute(jobs.update().values(run_at=utcnow()))
        await roost.worker.run_once()
        [row] = await _rows(roost)
        assert row.attempts == attempt
    assert row.state == "dead"
    assert await queue.counts(roost.db) == {"dead": 1}
    assert [j.kind for j in await queue.dead_jobs(roost.db)] == ["test.fail"]
    assert await queue.retry_dead(roost.db) == 1
    assert await queue.counts(roost.db) == {"queued": 1}


async def test_unknown_kind_fails_visibly(roost: Roost) -> None:
    async with roost.db.transaction() as tx:
        await queue.enqueue(tx, "no.such.kind", {})
    assert roost.worker is not None
    await roost.worker.run_once()
    [row] = await _rows(roost)
    assert "no handler" in row.last_error


async def test_lapsed_lease_is_taken_over(roost: Roost) -> None:
    async with roost.db.transaction() as tx:
        await queue.enqueue(tx, "test.record", {"n": 1})
    [first] = await queue.claim(roost.db, "dead-worker", lease=30)
    assert await queue.claim(roost.db, "other", lease=30) == []
    # The first worker died: its lease runs out.
    await roost.db.execute(jobs.update().values(locked_until=utcnow() - timedelta(seconds=1)))
    [again] = await queue.claim(roost.db, "other", lease=30)
    assert again.id == first.id
    assert again.attempts == 2


async def test_worker_loop_wakes_on_enqueue(roost: Roost) -> None:
    worker = Worker(roost, poll=30)  # long poll: only the wake-up can make it quick
    roost.worker = worker
    task = asyncio.create_task(worker.run())
    try:
        async with roost.db.transaction() as tx:
            await queue.enqueue(tx, "test.record", {"n": 9})
        for _ in range(100):
            if calls:
                break
            await asyncio.sleep(0.02)
        assert calls == [{"n": 9}]
    finally:
        worker.stop()
        await asyncio.wait_for(task, 5)
    assert "test.record" in HANDLERS


async def test_consecutive_jobs_of_a_batch_kind_run_in_one_call(roost: Roost) -> None:
    async with roost.db.transaction() as tx:
        for n in (1, 2, 3):
            await queue.enqueue(tx, "test.batched", {"n": n})
        await queue.enqueue(tx, "test.record", {"n": 4})
        await queue.enqueue(tx, "test.batched", {"n": 5})  # alone after another kind
    assert roost.worker is not None
    assert await roost.worker.run_pending() == 5
    assert batches == [[{"n": 1}, {"n": 2}, {"n": 3}]]
    assert calls == [{"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}, {"n": 5}]
    assert await _rows(roost) == []


async def test_a_failed_batch_runs_its_jobs_one_by_one(roost: Roost) -> None:
    async with roost.db.transaction() as tx:
        await queue.enqueue(tx, "test.batched", {"n": 1})
        await queue.enqueue(tx, "test.batched", {"bad": True})
        await queue.enqueue(tx, "test.batched", {"n": 3})
    assert roost.worker is not None
    assert await roost.worker.run_once() == 3
    assert batches == []
    assert calls == [{"n": 1}, {"n": 3}]  # the good ones ran alone
    [left] = await _rows(roost)  # the bad one waits for its retry
    assert (left.payload, left.state, left.attempts) == ({"bad": True}, "queued", 1)
