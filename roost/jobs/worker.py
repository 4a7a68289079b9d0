"""Runs jobs: `roost worker` processes, and the in-process worker of `roost serve`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import traceback
from typing import TYPE_CHECKING

from roost.jobs import queue
from roost.jobs.registry import load_handlers

if TYPE_CHECKING:
    from roost.app import Roost

log = logging.getLogger("roost.worker")


class Worker:
    """Claims and runs jobs until stopped. Wake it with `wake()` after enqueueing."""

    def __init__(
        self, roost: Roost, *, batch: int = 10, poll: float = 1.0, lease: float | None = None
    ) -> None:
        self.roost = roost
        self.name = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.batch = batch
        self.poll = poll
        self.lease = lease if lease is not None else roost.settings.job_lease
        self.handlers = load_handlers()
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

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
        """Claim one batch and run it; returns how many jobs were claimed."""
        jobs = await queue.claim(self.roost.db, self.name, limit=self.batch, lease=self.lease)
        for job in jobs:
            await self._run(job)
        return len(jobs)

    async def run_pending(self) -> int:
        """Run jobs until none is due (tests, `roost worker --once`)."""
        total = 0
        while n := await self.run_once():
            total += n
        return total

    async def _run(self, job: queue.Job) -> None:
        handler = self.handlers.get(job.kind)
        heartbeat = asyncio.create_task(self._heartbeat(job.id))
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            await handler(self.roost, job.payload)
        except Exception as exc:
            state = await queue.fail(self.roost.db, job, "".join(traceback.format_exception(exc)))
            log.warning("job %s (%s) failed, now %s: %s", job.id, job.kind, state, exc)
        else:
            await queue.complete(self.roost.db, job.id)
        finally:
            heartbeat.cancel()

    async def _heartbeat(self, job_id: int) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)
            try:
                await queue.extend_lease(self.roost.db, job_id, self.name, self.lease)
            except Exception:
                log.exception("could not extend the lease of job %s", job_id)
