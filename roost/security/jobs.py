"""The job that deletes an account whose grace period is over, a batch per run."""

from __future__ import annotations

from typing import Any

from roost.jobs.context import JobContext
from roost.jobs.queue import enqueue
from roost.jobs.registry import job
from roost.media.backends import storage_of
from roost.security.deletion import PURGE, access_deletion, purge_step
from roost.timeutil import utcnow


@job(PURGE)
async def purge_account(context: JobContext, payload: dict[str, Any]) -> None:
    """One batch of an account's deletion; queues the next while some remains (each run
    stays well inside a job's lease, however big the account)."""
    account_id = int(payload["account"])
    now = utcnow()
    if await purge_step(context.db, storage_of(context), account_id, now):
        deletion = await access_deletion(context.db, account_id)
        if deletion is not None and deletion.finished_at is None and deletion.delete_after > now:
            # Came early (a clock moved): come back when it is due.
            delay = (deletion.delete_after - now).total_seconds()
            async with context.db.transaction() as tx:
                await enqueue(tx, PURGE, payload, delay=delay)
        return
    async with context.db.transaction() as tx:
        await enqueue(tx, PURGE, payload)
