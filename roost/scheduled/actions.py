"""Scheduling a post, moving it to another time and cancelling it. The post is checked as
posting would check it, so that one which would be refused is refused when scheduled;
each write queues the job that publishes it at its time, in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import sqlalchemy as sa

from roost.accounts.tables import users
from roost.db import Database, Transaction
from roost.errors import Invalid, NotFound
from roost.ids import new_id
from roost.jobs.queue import enqueue
from roost.media.attach import check_media, hold_media
from roost.polls.actions import check_poll
from roost.scheduled.entities import ScheduledPoll, ScheduledStatusParams
from roost.scheduled.tables import scheduled_statuses
from roost.statuses.compose import check_language, check_text
from roost.statuses.entities import VISIBILITIES
from roost.statuses.posting import NewStatus
from roost.statuses.queries import access_status
from roost.timeutil import iso, utcnow

MIN_OFFSET = timedelta(minutes=5)  # Mastodon's PostStatusService::MIN_SCHEDULE_OFFSET
TOTAL_LIMIT = 300  # posts waiting, per account (Mastodon's ScheduledStatus::TOTAL_LIMIT)
DAILY_LIMIT = 25  # per account and UTC day of publication (ScheduledStatus::DAILY_LIMIT)
PUBLISH = "publish_scheduled_status"  # the job kind (roost.scheduled.jobs)


def parse_scheduled_at(value: str) -> datetime:
    """An ISO 8601 time (`2026-12-05T09:00:00.000Z`, with an offset, or without one: UTC)
    as the naive UTC datetime the database stores; Invalid when it is not one."""
    try:
        when = datetime.fromisoformat(value.strip())
        if when.tzinfo is not None:
            when = when.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise Invalid("Scheduled at is not a valid date and time") from None
    return when


def check_time(when: datetime, now: datetime) -> None:
    """Invalid unless `when` is more than 5 minutes ahead. Mastodon posts a time already
    past at once; Roost refuses it too (issue 18): a past time is a client's mistake (a
    wrong clock, a wrong day), and posting it at once would surprise its author."""
    if when <= now + MIN_OFFSET:
        raise Invalid("Scheduled at date must be in the future (at least 5 minutes ahead)")


async def do_schedule_status(
    db: Database, author_id: int, post: NewStatus, scheduled_at: datetime, *, max_chars: int
) -> Any:
    """Keep `post` to publish at `scheduled_at` (more than 5 minutes ahead), after checking
    it as posting would (text, length, visibility, language, poll, the post replied to),
    within the limits of 300 waiting and 25 a day; returns the scheduled_statuses row."""
    now = utcnow()
    check_time(scheduled_at, now)
    text = check_text(post.text, post.spoiler_text, max_chars, with_media=bool(post.media_ids))
    if post.visibility is not None and post.visibility not in VISIBILITIES:
        raise Invalid("Visibility is not included in the list")
    poll = None if post.poll is None else check_poll(post.poll)
    language = check_language(post.language)
    media = await check_media(db, author_id, post.media_ids, with_poll=poll is not None)
    if post.in_reply_to_id is not None:
        parent = await access_status(db, author_id, post.in_reply_to_id)
        if parent.reblog_of_id is not None:
            raise NotFound()
    row_id = new_id()
    async with db.transaction() as tx:
        default_visibility = await _lock_author(tx, author_id)
        if post.idempotency_key is not None:
            earlier = await _scheduled_with_key(tx, author_id, post.idempotency_key)
            if earlier is not None:
                return earlier
        waiting = await tx.scalar(
            sa.select(sa.func.count()).where(scheduled_statuses.c.account_id == author_id)
        )
        if waiting >= TOTAL_LIMIT:
            raise Invalid(f"You have exceeded the limit of {TOTAL_LIMIT} scheduled posts")
        await _check_daily_limit(tx, author_id, scheduled_at, except_id=None)
        params = ScheduledStatusParams(
            text=text,
            poll=None
            if poll is None
            else ScheduledPoll(
                options=poll.options,
                expires_in=poll.expires_in,
                multiple=poll.multiple,
                hide_totals=poll.hide_totals,
            ),
            media_ids=[str(m.id) for m in media] or None,
            sensitive=post.sensitive,
            spoiler_text=post.spoiler_text,
            visibility=post.visibility or default_visibility or "public",
            in_reply_to_id=post.in_reply_to_id,
            language=language,
            application_id=post.app_id,
            idempotency=post.idempotency_key,
        )
        row = {
            "id": row_id,
            "account_id": author_id,
            "scheduled_at": scheduled_at,
            "params": msgspec.to_builtins(params),
            "created_at": now,
        }
        await tx.execute(scheduled_statuses.insert(), [row])
        await hold_media(tx, row_id, media)
        await _queue_publication(tx, row_id, scheduled_at, now)
    return await _row(db, row_id)


async def do_reschedule(db: Database, account_id: int, row_id: int, scheduled_at: datetime) -> Any:
    """Move one's scheduled post to `scheduled_at` (more than 5 minutes ahead, within the
    day's limit); NotFound for another's. The job queued for the old time finds the row
    moved and does nothing. Returns the row."""
    now = utcnow()
    check_time(scheduled_at, now)
    async with db.transaction() as tx:
        await _lock_author(tx, account_id)
        moved = await tx.execute(
            scheduled_statuses.update()
            .where(scheduled_statuses.c.id == row_id, scheduled_statuses.c.account_id == account_id)
            .values(scheduled_at=scheduled_at)
        )
        if moved.rowcount == 0:
            raise NotFound()
        await _check_daily_limit(tx, account_id, scheduled_at, except_id=row_id)
        await _queue_publication(tx, row_id, scheduled_at, now)
    return await _row(db, row_id)


async def do_cancel_scheduled(db: Database, account_id: int, row_id: int) -> None:
    """Cancel one's scheduled post (its job then finds nothing to publish); NotFound for
    another's or one already published."""
    async with db.transaction() as tx:
        gone = await tx.execute(
            scheduled_statuses.delete().where(
                scheduled_statuses.c.id == row_id, scheduled_statuses.c.account_id == account_id
            )
        )
        if gone.rowcount == 0:
            raise NotFound()


async def _row(db: Database, row_id: int) -> Any:
    # The row just written, read after commit.
    return await db.fetch_one(
        sa.select(scheduled_statuses).where(scheduled_statuses.c.id == row_id)
    )


async def _lock_author(tx: Transaction, account_id: int) -> str | None:
    """Lock the author's users row (PostgreSQL; SQLite has one writer anyway), so that two
    requests at once cannot both pass the limits; returns their default visibility."""
    value: str | None = await tx.scalar(
        sa.select(users.c.default_visibility)
        .where(users.c.account_id == account_id)
        .with_for_update()
    )
    return value


async def _scheduled_with_key(tx: Transaction, account_id: int, key: str) -> Any:
    """The post the account scheduled with this Idempotency-Key, if one is waiting: a
    request repeated (a client retrying after a lost answer) gets it again rather than
    a second one, as Mastodon answers. Under the author's lock: two at once find it too."""
    t = scheduled_statuses.c
    return await tx.fetch_one(
        sa.select(scheduled_statuses).where(
            t.account_id == account_id, t.params["idempotency"].as_string() == key
        )
    )


async def _check_daily_limit(
    tx: Transaction, account_id: int, when: datetime, *, except_id: int | None
) -> None:
    day = when.replace(hour=0, minute=0, second=0, microsecond=0)
    t = scheduled_statuses.c
    that_day = await tx.scalar(
        sa.select(sa.func.count()).where(
            t.account_id == account_id,
            t.scheduled_at >= day,
            t.scheduled_at < day + timedelta(days=1),
            t.id != (except_id or 0),
        )
    )
    if that_day >= DAILY_LIMIT:
        raise Invalid(f"You have exceeded the limit of {DAILY_LIMIT} scheduled posts for today")


async def _queue_publication(tx: Transaction, row_id: int, when: datetime, now: datetime) -> None:
    # The job carries the time it was queued for: after a reschedule, the old one sees the
    # row's time changed and leaves it to the new one.
    await enqueue(
        tx,
        PUBLISH,
        {"scheduled_status_id": row_id, "scheduled_at": iso(when)},
        delay=(when - now).total_seconds(),
    )
