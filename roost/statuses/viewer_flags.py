"""What the viewer did to each status of a page: favourited, reblogged, bookmarked, pinned,
or muted its thread; their ballots in the page's polls; and which of the posts quoted on
it they may see. One query for the whole page."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from roost.db import Database
from roost.db.prepared import any_of
from roost.polls.tables import poll_votes
from roost.statuses.tables import bookmarks, conversation_mutes, favourites, pins, statuses


@dataclass(frozen=True)
class Quotable:
    """Which of the posts bound as `quoted` the viewer may see: a statement selecting their
    ids (made by the visibility layer, statuses.queries) and the parameters it takes."""

    select: sa.Select[Any]
    params: dict[str, Any]


@dataclass
class ViewerState:
    flags: set[tuple[str, int]] = field(default_factory=set)
    ballots: dict[int, list[int]] = field(default_factory=dict)
    quotable: set[int] = field(default_factory=set)


async def viewer_state(
    db: Database,
    viewer_id: int | None,
    ids: list[int],
    poll_ids: list[int],
    quoted: list[int],
    quotable: Quotable | None,
) -> ViewerState:
    """The viewer's favourites, reblogs, bookmarks, pins and muted threads among `ids`,
    their choices in `poll_ids`, and those of `quoted` they may see (with `quotable`), in
    one query (none when there is nothing to ask)."""
    state = ViewerState()
    check = quotable if quotable is not None and quoted else None
    if viewer_id is None or not ids:
        if check is not None:
            found = await db.scalars(check.select, {**check.params, "quoted": quoted})
            state.quotable = set(found)
        return state
    stmt = _statement(bool(poll_ids), None if check is None else check.select)
    params: dict[str, Any] = {"viewer": viewer_id, "ids": ids, "polls": poll_ids}
    if check is not None:
        params |= {**check.params, "quoted": quoted}
    for r in await db.fetch_all(stmt, params):
        if r.k == "v":
            state.ballots[r.status_id] = list(r.choices)
        elif r.k == "q":
            state.quotable.add(r.status_id)
        else:
            state.flags.add((r.k, r.status_id))
    return state


async def viewer_flags(db: Database, viewer_id: int | None, ids: list[int]) -> set[tuple[str, int]]:
    """The viewer's favourites, reblogs, bookmarks, pins and muted threads among `ids`, in
    one query."""
    return (await viewer_state(db, viewer_id, ids, [], [], None)).flags


@functools.cache
def _statement(with_ballots: bool, quotable: sa.Select[Any] | None) -> sa.CompoundSelect[Any]:
    viewer, mutes = sa.bindparam("viewer", type_=sa.BigInteger), conversation_mutes
    none = sa.null().cast(poll_votes.c.choices.type).label("choices")

    def kind(k: str) -> sa.ColumnElement[str]:
        return sa.literal(k, sa.String).label("k")

    parts: list[sa.Select[Any]] = [
        sa.select(kind("f"), favourites.c.status_id, none).where(
            favourites.c.account_id == viewer, any_of(favourites.c.status_id, "ids")
        ),
        sa.select(kind("b"), bookmarks.c.status_id, none).where(
            bookmarks.c.account_id == viewer, any_of(bookmarks.c.status_id, "ids")
        ),
        sa.select(kind("p"), pins.c.status_id, none).where(
            pins.c.account_id == viewer, any_of(pins.c.status_id, "ids")
        ),
        sa.select(kind("r"), statuses.c.reblog_of_id.label("status_id"), none).where(
            statuses.c.account_id == viewer, any_of(statuses.c.reblog_of_id, "ids")
        ),
        sa.select(kind("m"), statuses.c.id.label("status_id"), none)
        .join(mutes, mutes.c.conversation_id == statuses.c.conversation_id)
        .where(mutes.c.account_id == viewer, any_of(statuses.c.id, "ids")),
    ]
    if with_ballots:
        parts.append(
            sa.select(kind("v"), poll_votes.c.poll_id.label("status_id"), poll_votes.c.choices)
            .where(poll_votes.c.account_id == viewer, any_of(poll_votes.c.poll_id, "polls"))
        )  # fmt: skip
    if quotable is not None:
        seen = quotable.subquery()
        parts.append(sa.select(kind("q"), seen.c.id.label("status_id"), none))
    return sa.union_all(*parts)
