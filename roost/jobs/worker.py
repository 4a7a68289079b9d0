"""Runs jobs: `roost worker` processes, and the in-process worker of `roost serve`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import traceback
from collections.abc import Iterator
from time import perf_counter
from typing import Any

import structlog

from roost.jobs import queue
from roost.jobs.context import JobContext
from roost.jobs.metrics import JOBS_FINISHED
from roost.jobs.registry import BATCH_HANDLERS, BatchHandler, load_handlers
from roost.logs import request_id

log = logging.getLogger("roost.worker")


@contextlib.contextmanager
def _logging_as(rid: str | None, **fields: Any) -> Iterator[None]:
    """Lines logged meanwhile carry `fields` and the request id the job was queued with
    (jobs it queues keep that id too)."""
    token = request_id.set(rid)
    try:
        with structlog.contextvars.bound_contextvars(**fields):
            yield
    finally:
        request_id.reset(token)


def _finished(job: queue.Job, outcome: str, start: float) -> None:
    with _logging_as(job.payload.get("request_id"), job_id=job.id, job_kind=job.kind):
        duration_ms = round((perf_counter() - start) * 1000, 1)
        log.info("job finished", extra={"duration_ms": duration_ms, "outcome": outcome})


class Worker:
    """Claims and runs jobs until stopped. Wake it with `wake()` after enqueueing."""

    def __init__(
        self, context: JobContext, *, batch: int = 10, poll: float = 1.0, lease: float | None = None
    ) -> None:
        self.context = context
        self.name = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.batch = batch
        self.poll = poll
        self.lease = lease if lease is not None else context.settings.job_lease
        self.handlers = load_handlers()
        self.batch_handlers = BATCH_HANDLERS
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    def take_wake(self) -> bool:
        """Was it woken since the last call? (Tests run the jobs a request queued.)"""
        woken = self._wake.is_set()
        self._wake.clear()
        return woken

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Loop until `stop()`: run what is due, then sleep until woken or `poll` passes."""
        log.info("worker %s started", self.name)
        while not self._stopping.is_set():
            # Cleared before claiming, so a wake-up during the claim is not lost.
            self._wake.clear()
            try:
                done = await self.run_once()
            except Exception:  # the database may be briefly away; keep the loop alive
                log.exception("worker %s: claiming jobs failed", self.name)
                done = 0
            if done == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll)
        log.info("worker %s stopped", self.name)

    async def run_once(self) -> int:
        """Claim one batch and run it; returns how many jobs were claimed.

        Consecutive jobs of a kind with a batch handler (fan-out) run in one call: a burst
        of posts is fanned out with one feed transaction instead of one per post."""
        jobs = await queue.claim(self.context.db, self.name, limit=self.batch, lease=self.lease)
        start = 0
        while start < len(jobs):
            kind = jobs[start].kind
            end = start + 1
            while end < len(jobs) and jobs[end].kind == kind:
                end += 1
            many = self.batch_handlers.get(kind)
            if many is not None and end - start > 1:
                await self._run_many(many, jobs[start:end])
            else:
                for job in jobs[start:end]:
                    await self._run(job)
            start = end
        return len(jobs)

    async def run_pending(self) -> int:
        """Run jobs until none is due (tests, `roost worker --once`)."""
        total = 0
        while n := await self.run_once():
            total += n
        return total

    async def _run_many(self, many: BatchHandler, jobs: list[queue.Job]) -> None:
        """Run jobs with their kind's batch handler; should that fail, one by one (each
        then fails or retries on its own, and a bad job cannot hold the others back)."""
        rids = [rid for j in jobs if (rid := j.payload.get("request_id")) is not None]
        start = perf_counter()
        with _logging_as(None, job_ids=[j.id for j in jobs], job_kind=jobs[0].kind,
                         **({"request_ids": rids} if rids else {})):  # fmt: skip
            heartbeat = asyncio.create_task(self._heartbeat(*(j.id for j in jobs)))
            try:
                await many(self.context, [j.payload for j in jobs])
            except Exception as exc:
                log.warning("%d %s jobs failed together (%s); running them one by one",
                            len(jobs), jobs[0].kind, exc)  # fmt: skip
                done = False
            else:
                await queue.complete_many(self.context.db, [j.id for j in jobs])
                done = True
            finally:
                heartbeat.cancel()
        if done:
            JOBS_FINISHED.labels(jobs[0].kind, "done").inc(len(jobs))
            for job in jobs:
                _finished(job, "done", start)
            return
        for job in jobs:
            await self._run(job)

    async def _run(self, job: queue.Job) -> None:
        handler = self.handlers.get(job.kind)
        start = perf_counter()
        with _logging_as(job.payload.get("request_id"), job_id=job.id, job_kind=job.kind):
            heartbeat = asyncio.create_task(self._heartbeat(job.id))
            try:
                if handler is None:
                    raise LookupError(f"no handler for job kind {job.kind!r}")
                await handler(self.context, job.payload)
            except Exception as exc:
                error = "".join(traceback.format_exception(exc))
                state = await queue.fail(self.context.db, job, error)
                log.warning("job %s (%s) failed, now %s: %s", job.id, job.kind, state, exc)
                outcome = "dead" if state == "dead" else "retry"
            else:
                await queue.complete(self.context.db, job.id)
                outcome = "done"
            finally:
                heartbeat.cancel()
        JOBS_FINISHED.labels(job.kind, outcome).inc()
        _finished(job, outcome, start)

    async def _heartbeat(self, *job_ids: int) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)
            for job_id in job_ids:
                try:
                    await queue.extend_lease(self.context.db, job_id, self.name, self.lease)
                except Exception:
                    log.exception("could not extend the lease of job %s", job_id)
