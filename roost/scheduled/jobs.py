"""The job that publishes a scheduled post at its time."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from roost.accounts.tables import accounts
from roost.errors import Invalid, NotFound
from roost.jobs.context import JobContext
from roost.jobs.queue import enqueue
from roost.jobs.registry import job
from roost.polls.actions import NewPoll
from roost.scheduled.actions import PUBLISH
from roost.scheduled.queries import stored_params
from roost.scheduled.tables import scheduled_statuses
from roost.statuses.posting import NewStatus, do_post_status_returning
from roost.timeutil import iso, utcnow

log = logging.getLogger(__name__)


@job(PUBLISH)
async def publish_scheduled_status(context: JobContext, payload: dict[str, Any]) -> None:
    """Post the scheduled post, then forget it. Nothing when it was cancelled or already
    published, or when it was moved to another time (that time's job will); queued again
    when run early (a clock ahead). A suspended author's post is dropped unpublished, as is
    one that can no longer be posted (the post it replies to deleted meanwhile), as
    Mastodon drops it. Its idempotency key, made from its id, makes a run retried after
    the post but before the row was deleted find the post instead of posting it twice."""
    row_id = int(payload["scheduled_status_id"])
    db = context.db
    t = scheduled_statuses.c
    row = await db.fetch_one(
        sa.select(scheduled_statuses, accounts.c.suspended_at)
        .join(accounts, accounts.c.id == t.account_id)
        .where(t.id == row_id)
    )
    if row is None:
        return
    now = utcnow()
    if row.scheduled_at > now:
        if payload.get("scheduled_at") != iso(row.scheduled_at):
            return  # moved: the job queued for its new time publishes it
        async with db.transaction() as tx:
            wait = (row.scheduled_at - now).total_seconds()
            await enqueue(tx, PUBLISH, payload, delay=wait)
        return
    if row.suspended_at is None:
        params = stored_params(row)
        poll = params.poll
        post = NewStatus(
            text=params.text,
            spoiler_text=params.spoiler_text or "",
            visibility=params.visibility,
            sensitive=params.sensitive,
            language=params.language,
            in_reply_to_id=params.in_reply_to_id,
            app_id=params.application_id,
            idempotency_key=f"scheduled:{row_id}",
            media_ids=tuple(int(m) for m in params.media_ids or ()),
            scheduled_id=row_id,
            poll=None
            if poll is None
            else NewPoll(poll.options, poll.expires_in, poll.multiple, poll.hide_totals),
        )
        settings = context.settings
        try:
            await do_post_status_returning(
                db, row.account_id, post, base_url=settings.base_url,
                max_chars=settings.max_post_chars,
            )  # fmt: skip
        except (Invalid, NotFound) as e:
            log.info("scheduled post %s dropped: %s", row_id, e)
    async with db.transaction() as tx:
        await tx.execute(scheduled_statuses.delete().where(t.id == row_id))
