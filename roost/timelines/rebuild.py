"""A home feed rebuilt from SQL: what fan-out would have put in it (the home rule of
roost.timelines.home_rule, and the posts of followed tags of roost.timelines.tag_feed),
bounded so that its read does not grow with the database."""

from __future__ import annotations

import sqlalchemy as sa

from roost.db import Database
from roost.db.dialect import nth_largest_of_groups
from roost.feeds import FEED_CAP
from roost.graph.tables import follows
from roost.statuses.queries import timeline_select
from roost.statuses.tables import statuses
from roost.timelines.home_rule import belongs_in_home
from roost.timelines.tag_feed import tag_entries_for


async def feed_entries_for(
    db: Database,
    owner_id: int,
    *,
    authors: list[int] | None = None,
    limit: int = FEED_CAP,
    reblogs: bool = True,
    fanout_threshold: int = 250_000,
) -> list[tuple[int, int]]:
    """(status id, author id) of what fan-out would have put in `owner_id`'s feed: the
    owner's own posts, those of followed accounts and of followed tags (or just the posts
    of `authors`), newest first. `fanout_threshold` as in the settings."""
    entries = await _followed_entries(db, owner_id, authors, limit, reblogs)
    if authors is not None:
        return entries
    tagged = await tag_entries_for(db, owner_id, limit=limit, fanout_threshold=fanout_threshold)
    if not tagged:
        return entries
    return sorted(set(entries) | set(tagged), reverse=True)[:limit]


async def _followed_entries(
    db: Database, owner_id: int, authors: list[int] | None, limit: int, reblogs: bool
) -> list[tuple[int, int]]:
    query, s, _ = timeline_select(owner_id)
    followed = sa.select(follows.c.target_account_id).where(follows.c.account_id == owner_id)
    if authors is None:
        query = query.where(sa.or_(s.c.account_id == owner_id, s.c.account_id.in_(followed)))
    else:
        query = query.where(s.c.account_id.in_(authors))
    if not reblogs:
        query = query.where(s.c.reblog_of_id.is_(None))
    query = query.where(belongs_in_home(sa.literal(owner_id, sa.BigInteger), s))
    # Bounded below by a cutoff: unbounded, SQLite reads every post of every followed
    # account through the (account_id, id) index, checks each one's visibility and sorts
    # them all (8.7 s for ~250 followed accounts at 10M posts, measured; it grows with the
    # database). Each author's newest posts come from that index instead, a bounded range
    # per author, and the cutoff is the id below which there are enough of them; twice the
    # limit, as replies and hidden posts drop out. Short of the limit, no cutoff.
    ordered = query.add_columns(s.c.account_id).order_by(s.c.id.desc()).limit(limit)
    cutoff = await _rebuild_cutoff(db, owner_id, authors, 2 * limit)
    if cutoff is not None:
        # A constant, not a parameter: PostgreSQL's generic plan cannot know the bound is
        # narrow (see `Database`), and a rebuild is rare enough to plan each time.
        bound = s.c.id >= sa.literal_column(str(int(cutoff)))
        rows = await db.fetch_all(ordered.where(bound))
        if len(rows) >= limit:
            return [(r.id, r.account_id) for r in rows]
    rows = await db.fetch_all(ordered)
    return [(r.id, r.account_id) for r in rows]


async def _rebuild_cutoff(
    db: Database, owner_id: int, authors: list[int] | None, wanted: int
) -> int | None:
    """The `wanted`-th newest id among the posts of `authors` (default: the owner and the
    accounts they follow), or None when they have fewer posts."""
    if authors is None:
        authors = [owner_id, *await db.scalars(_FOLLOWED, {"owner": owner_id})]
    return await nth_largest_of_groups(db, statuses.c.id, statuses.c.account_id, authors, wanted)


_FOLLOWED = sa.select(follows.c.target_account_id).where(
    follows.c.account_id == sa.bindparam("owner", type_=sa.BigInteger)
)
