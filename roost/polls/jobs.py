"""The job that closes a poll at its deadline and tells its voters and its author."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from roost.jobs.context import JobContext
from roost.jobs.queue import enqueue
from roost.jobs.registry import job
from roost.notifications.actions import notify
from roost.polls.tables import poll_votes, polls
from roost.statuses.render import status_key
from roost.timeutil import utcnow


@job("close_poll")
async def close_poll(context: JobContext, payload: dict[str, Any]) -> None:
    """Mark the poll closed and notify (`poll`) everyone who voted and its author, once:
    a second run finds it closed; a poll deleted meanwhile is gone; a run before the
    deadline (a clock running ahead) queues itself again for what is left."""
    poll_id = int(payload["poll_id"])
    now = utcnow()
    async with context.db.transaction() as tx:
        poll = await tx.fetch_one(
            sa.select(polls.c.status_id, polls.c.account_id, polls.c.expires_at).where(
                polls.c.id == poll_id, polls.c.closed_at.is_(None)
            )
        )
        if poll is None:
            return
        if poll.expires_at > now:
            wait = (poll.expires_at - now).total_seconds()
            await enqueue(tx, "close_poll", {"poll_id": poll_id}, delay=wait)
            return
        await tx.execute(polls.update().where(polls.c.id == poll_id).values(closed_at=now))
        voters = await tx.scalars(
            sa.select(poll_votes.c.account_id).where(poll_votes.c.poll_id == poll_id)
        )
        for account_id in [*voters, poll.account_id]:
            await notify(
                tx,
                account_id=account_id,
                from_account_id=poll.account_id,
                type="poll",
                status_id=poll.status_id,
            )
        tx.invalidate(status_key(poll.status_id))
