"""Polls as statuses show them. What every viewer sees (options, counts, deadline) is
cached with the status; whether the viewer voted, and what the clock says, are added on
each render."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import msgspec
import sqlalchemy as sa

from roost.db import Database
from roost.db.prepared import any_of
from roost.emojis.queries import emojis_by_shortcode, shortcodes_in
from roost.polls.entities import Poll, PollOption
from roost.polls.tables import poll_options, poll_votes, polls
from roost.timeutil import iso


class CachedPoll(msgspec.Struct, array_like=True):
    """A poll as cached inside its status's core: every count, and whether to hide them."""

    poll: Poll
    hide_totals: bool
    author_id: int
    expires_at: datetime


async def polls_by_id(db: Database, poll_ids: Collection[int]) -> dict[int, CachedPoll]:
    """Polls with their options and counts (one query, and one more for custom emojis
    when an option uses a `:shortcode:`)."""
    if not poll_ids:
        return {}
    rows = await db.fetch_all(
        sa.select(
            polls.c.id,
            polls.c.account_id,
            polls.c.multiple,
            polls.c.hide_totals,
            polls.c.expires_at,
            polls.c.votes_count,
            polls.c.voters_count,
            poll_options.c.title,
            poll_options.c.votes_count.label("option_votes"),
        )
        .select_from(polls.join(poll_options, poll_options.c.poll_id == polls.c.id))
        .where(polls.c.id.in_(list(poll_ids)))
        .order_by(polls.c.id, poll_options.c.position)
    )
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.id, []).append(row)
    codes = {c for group in grouped.values() for r in group for c in shortcodes_in(r.title)}
    known = await emojis_by_shortcode(db, list(codes))
    return {poll_id: _cached(group, known) for poll_id, group in grouped.items()}


def new_poll(
    poll_id: int,
    author_id: int,
    titles: list[str],
    expires_at: datetime,
    multiple: bool,
    hide_totals: bool,
    known: dict[str, Any],
) -> CachedPoll:
    """A poll just made, as `polls_by_id` would read it back."""
    poll = {"id": poll_id, "account_id": author_id, "multiple": multiple,
            "hide_totals": hide_totals, "expires_at": expires_at, "votes_count": 0,
            "voters_count": 0}  # fmt: skip
    rows = [SimpleNamespace(**poll, title=title, option_votes=0) for title in titles]
    return _cached(rows, known)


def _cached(rows: list[Any], known: dict[str, Any]) -> CachedPoll:
    first = rows[0]
    codes = shortcodes_in(*(r.title for r in rows))
    poll = Poll(
        id=str(first.id),
        expires_at=iso(first.expires_at),
        expired=False,
        multiple=bool(first.multiple),
        votes_count=first.votes_count,
        voters_count=first.voters_count,
        options=[PollOption(title=r.title, votes_count=r.option_votes) for r in rows],
        emojis=[known[c] for c in codes if c in known],
    )
    return CachedPoll(
        poll=poll,
        hide_totals=bool(first.hide_totals),
        author_id=first.account_id,
        expires_at=first.expires_at,
    )


def for_viewer(
    cached: CachedPoll, viewer_id: int | None, ballot: list[int] | None, now: datetime
) -> Poll:
    """The poll as `viewer_id` sees it at `now`: expired or not, totals shown or hidden,
    and the viewer's own votes (an author counts as having voted, as in Mastodon)."""
    poll = cached.poll
    expired = cached.expires_at <= now
    options = poll.options
    if cached.hide_totals and not expired:
        options = [PollOption(title=o.title, votes_count=None) for o in options]
    if viewer_id is None:
        return msgspec.structs.replace(poll, expired=expired, options=options)
    return msgspec.structs.replace(
        poll,
        expired=expired,
        options=options,
        voted=ballot is not None or viewer_id == cached.author_id,
        own_votes=list(ballot or []),
    )


async def ballots(db: Database, viewer_id: int | None, poll_ids: list[int]) -> dict[int, list[int]]:
    """The viewer's choices in each of `poll_ids` they voted in (one query)."""
    if viewer_id is None or not poll_ids:
        return {}
    rows = await db.fetch_all(_BALLOTS, {"viewer": viewer_id, "ids": poll_ids})
    return {r.poll_id: list(r.choices) for r in rows}


# Built once: compiling it per page cost more than running it.
_BALLOTS = sa.select(poll_votes.c.poll_id, poll_votes.c.choices).where(
    poll_votes.c.account_id == sa.bindparam("viewer", type_=sa.BigInteger),
    any_of(poll_votes.c.poll_id, "ids"),
)
