"""Making a poll (inside the post's transaction) and voting in one. A vote is one
transaction: the ballot, the counts, and the status's cached rendering dropped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from roost.db import Database, Transaction
from roost.db.dialect import insert_or_ignore
from roost.emojis.queries import emojis_by_shortcode, shortcodes_in
from roost.errors import Invalid, NotFound
from roost.ids import new_id
from roost.jobs.queue import enqueue
from roost.polls.entities import MAX_EXPIRATION, MAX_OPTION_CHARS, MAX_OPTIONS, MIN_EXPIRATION
from roost.polls.render import CachedPoll, new_poll
from roost.polls.tables import poll_options, poll_votes, polls
from roost.statuses.queries import access_status
from roost.statuses.render import status_key
from roost.timeutil import utcnow


@dataclass(frozen=True)
class NewPoll:
    """A poll as a client sends it with a post (`poll[options][]`, `poll[expires_in]`...)."""

    options: list[str]
    expires_in: int
    multiple: bool = False
    hide_totals: bool = False


def check_poll(poll: NewPoll) -> NewPoll:
    """The poll with its options trimmed; Invalid (422) with Mastodon's wording if it
    breaks a rule."""
    options = [o.strip() for o in poll.options]
    if any(not o for o in options):
        raise Invalid("Poll options can't be blank")
    if len(options) < 2:
        raise Invalid("Poll options must have more than one item")
    if len(options) > MAX_OPTIONS:
        raise Invalid(f"Poll options can't contain more than {MAX_OPTIONS} items")
    if any(len(o) > MAX_OPTION_CHARS for o in options):
        raise Invalid(f"Poll options cannot be longer than {MAX_OPTION_CHARS} characters each")
    if len(set(options)) != len(options):
        raise Invalid("Poll options contain duplicate items")
    if poll.expires_in < MIN_EXPIRATION:
        raise Invalid("Poll expiration is too soon (at least 5 minutes)")
    if poll.expires_in > MAX_EXPIRATION:
        raise Invalid("Poll expiration is too far into the future (at most 30 days)")
    return NewPoll(options, poll.expires_in, poll.multiple, poll.hide_totals)


async def option_emojis(db: Database, poll: NewPoll) -> dict[str, Any]:
    """The custom emojis the options use, by shortcode (read before the post's
    transaction; no query without a `:shortcode:`)."""
    return await emojis_by_shortcode(db, shortcodes_in(*poll.options))


async def add_poll(
    tx: Transaction,
    *,
    poll_id: int,
    status_id: int,
    author_id: int,
    poll: NewPoll,
    now: datetime,
    known: dict[str, Any],
) -> CachedPoll:
    """Write a checked poll for a status being posted in `tx`, and the job that closes it
    at its deadline; returns it as rendering reads it."""
    expires_at = now + timedelta(seconds=poll.expires_in)
    await tx.execute(
        _INSERT_POLL,
        [
            {
                "id": poll_id,
                "status_id": status_id,
                "account_id": author_id,
                "multiple": poll.multiple,
                "hide_totals": poll.hide_totals,
                "expires_at": expires_at,
                "created_at": now,
            }
        ],
    )
    await tx.execute(
        _INSERT_OPTION,
        [{"poll_id": poll_id, "position": i, "title": t} for i, t in enumerate(poll.options)],
    )
    await enqueue(tx, "close_poll", {"poll_id": poll_id}, delay=poll.expires_in)
    return new_poll(
        poll_id, author_id, poll.options, expires_at, poll.multiple, poll.hide_totals, known
    )


async def edit_poll(
    tx: Transaction,
    *,
    status_id: int,
    author_id: int,
    poll_id: int | None,
    poll: NewPoll | None,
    now: datetime,
) -> int | None:
    """Give a status being edited in `tx` the checked `poll` (None: no poll any more), as
    Mastodon does: new options, or a change between one and several choices, start the
    count again; the deadline is `expires_in` from now. Returns the poll's id."""
    if poll is None:
        if poll_id is not None:
            await forget_polls(tx, [status_id])
        return None
    if poll_id is None:
        poll_id = new_id()
        await add_poll(
            tx, poll_id=poll_id, status_id=status_id, author_id=author_id, poll=poll, now=now,
            known={},
        )  # fmt: skip
        return poll_id
    titles = await option_titles(tx, poll_id)
    multiple = await tx.scalar(sa.select(polls.c.multiple).where(polls.c.id == poll_id))
    values: dict[str, Any] = {
        "hide_totals": poll.hide_totals,
        "expires_at": now + timedelta(seconds=poll.expires_in),
        "closed_at": None,
    }
    if titles != poll.options or bool(multiple) != poll.multiple:
        for table in (poll_votes, poll_options):
            await tx.execute(table.delete().where(table.c.poll_id == poll_id))
        await tx.execute(
            _INSERT_OPTION,
            [{"poll_id": poll_id, "position": i, "title": t} for i, t in enumerate(poll.options)],
        )
        values |= {"multiple": poll.multiple, "votes_count": 0, "voters_count": 0}
    await tx.execute(polls.update().where(polls.c.id == poll_id).values(values))
    await enqueue(tx, "close_poll", {"poll_id": poll_id}, delay=poll.expires_in)
    return poll_id


async def option_titles(tx: Transaction, poll_id: int) -> list[str]:
    """A poll's options, in order."""
    return list(
        await tx.scalars(
            sa.select(poll_options.c.title)
            .where(poll_options.c.poll_id == poll_id)
            .order_by(poll_options.c.position)
        )
    )


async def access_poll(db: Database, viewer_id: int | None, poll_id: int) -> Any:
    """A poll whose status the viewer may see; NotFound otherwise."""
    row = await db.fetch_one(sa.select(polls).where(polls.c.id == poll_id))
    if row is None:
        raise NotFound()
    await access_status(db, viewer_id, row.status_id)
    return row


async def do_vote(db: Database, voter_id: int, poll_id: int, choices: list[int]) -> int:
    """Cast `voter_id`'s one ballot; returns the poll's status id. Invalid (422), with
    nothing counted, for an ended poll, one's own poll, a second ballot, or bad choices."""
    poll = await access_poll(db, voter_id, poll_id)
    count = await db.scalar(
        sa.select(sa.func.count())
        .select_from(poll_options)
        .where(poll_options.c.poll_id == poll_id)
    )
    chosen = list(dict.fromkeys(choices))
    if not chosen:
        raise Invalid("Choose at least one option")
    if any(c < 0 or c >= count for c in chosen):
        raise Invalid("The chosen vote option does not exist")
    if len(chosen) > 1 and not poll.multiple:
        raise Invalid("This poll allows a single choice")
    if poll.account_id == voter_id:
        raise Invalid("You cannot vote in your own polls")
    now = utcnow()
    if poll.expires_at <= now:
        raise Invalid("The poll has already ended")
    async with db.transaction() as tx:
        cast = await tx.execute(
            insert_or_ignore(poll_votes, tx.dialect, "poll_id", "account_id"),
            [{"poll_id": poll_id, "account_id": voter_id, "choices": chosen, "created_at": now}],
        )
        if cast.rowcount == 0:
            raise Invalid("You have already voted on this poll")
        # Counted only while open, checked again in the transaction: a vote that meets
        # the deadline here is refused whole (the exception rolls the ballot back).
        counted = await tx.execute(
            _COUNT_VOTE, [{"p_poll": poll_id, "p_votes": len(chosen), "p_now": now}]
        )
        if counted.rowcount == 0:
            raise Invalid("The poll has already ended")
        await tx.execute(_COUNT_CHOICE, [{"p_poll": poll_id, "p_position": c} for c in chosen])
        tx.invalidate(status_key(poll.status_id))
    return int(poll.status_id)


async def forget_polls(tx: Transaction, status_ids: list[int]) -> None:
    """Delete the polls of statuses being deleted in `tx`, with their options and ballots."""
    doomed = sa.select(polls.c.id).where(polls.c.status_id.in_(status_ids)).scalar_subquery()
    for table in (poll_votes, poll_options):
        await tx.execute(table.delete().where(table.c.poll_id.in_(doomed)))
    await tx.execute(polls.delete().where(polls.c.status_id.in_(status_ids)))


_INSERT_POLL = polls.insert()
_INSERT_OPTION = poll_options.insert()
_COUNT_VOTE = (
    polls.update()
    .where(
        polls.c.id == sa.bindparam("p_poll", type_=sa.BigInteger),
        polls.c.expires_at > sa.bindparam("p_now", type_=sa.DateTime),
    )
    .values(
        votes_count=polls.c.votes_count + sa.bindparam("p_votes", type_=sa.Integer),
        voters_count=polls.c.voters_count + 1,
    )
)
_COUNT_CHOICE = (
    poll_options.update()
    .where(
        poll_options.c.poll_id == sa.bindparam("p_poll", type_=sa.BigInteger),
        poll_options.c.position == sa.bindparam("p_position", type_=sa.Integer),
    )
    .values(votes_count=poll_options.c.votes_count + 1)
)
