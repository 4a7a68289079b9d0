"""What the viewer did to each status of a page: favourited, reblogged, bookmarked, pinned,
or muted its thread (one query for the whole page)."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa

from roost.db import Database
from roost.db.prepared import any_of
from roost.statuses.tables import bookmarks, conversation_mutes, favourites, pins, statuses


async def viewer_flags(db: Database, viewer_id: int | None, ids: list[int]) -> set[tuple[str, int]]:
    """The viewer's favourites, reblogs, bookmarks, pins and muted threads among `ids`, in
    one query."""
    if viewer_id is None or not ids:
        return set()
    rows = await db.fetch_all(_statement(), {"viewer": viewer_id, "ids": ids})
    return {(r.k, r.status_id) for r in rows}


@functools.cache
def _statement() -> sa.CompoundSelect[Any]:
    viewer, mutes = sa.bindparam("viewer", type_=sa.BigInteger), conversation_mutes
    return sa.union_all(
        sa.select(sa.literal("f").label("k"), favourites.c.status_id).where(
            favourites.c.account_id == viewer, any_of(favourites.c.status_id, "ids")
        ),
        sa.select(sa.literal("b").label("k"), bookmarks.c.status_id).where(
            bookmarks.c.account_id == viewer, any_of(bookmarks.c.status_id, "ids")
        ),
        sa.select(sa.literal("p").label("k"), pins.c.status_id).where(
            pins.c.account_id == viewer, any_of(pins.c.status_id, "ids")
        ),
        sa.select(sa.literal("r").label("k"), statuses.c.reblog_of_id).where(
            statuses.c.account_id == viewer, any_of(statuses.c.reblog_of_id, "ids")
        ),
        sa.select(sa.literal("m").label("k"), statuses.c.id)
        .join(mutes, mutes.c.conversation_id == statuses.c.conversation_id)
        .where(mutes.c.account_id == viewer, any_of(statuses.c.id, "ids")),
    )
