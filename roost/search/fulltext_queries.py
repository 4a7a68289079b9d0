"""Full-text search of posts: SQLite's FTS5 or PostgreSQL's text search, with Mastodon's
operators, ranked by relevance and freshness, and only among posts the viewer may open.

What may be found follows Mastodon 4.2+: a public post of an account that lets search
engines index it (`indexable`, which Roost turns on for new accounts), and any post the
viewer may open that they wrote, are mentioned in, favourited or bookmarked. Blocks,
mutes and suspensions hold as in timelines (the same visibility condition).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import FromClause

from roost.accounts.tables import accounts
from roost.db import Database
from roost.graph.tables import follows
from roost.media.tables import media_attachments
from roost.search.operators import Query, fts5_match, has_words, tsquery
from roost.statuses.queries import visible_ids
from roost.statuses.tables import bookmarks, favourites, mentions, statuses
from roost.statuses.visible import Visible
from roost.timeutil import utcnow

FRESHNESS_DAYS = 7.0  # a match this old weighs half as much as a new one
CANDIDATES = 200
RECENT = 50_000  # PostgreSQL: posts looked at first (see search_statuses)
_FTS = sa.table("status_search", sa.column("rowid", sa.BigInteger))
_FTS_NAME: sa.ColumnClause[Any] = sa.literal_column("status_search")
# The expression of migration 0017's index, character for character (see there).
_PG_VECTOR = "to_tsvector('roost_search'::regconfig, statuses.spoiler_text || ' ' || statuses.text)"
_PG_CONFIG: sa.ColumnClause[Any] = sa.literal_column("'roost_search'::regconfig")


async def search_statuses(
    db: Database,
    viewer_id: int | None,
    query: Query,
    *,
    account_id: int | None = None,
    following: bool = False,
    limit: int,
    offset: int = 0,
) -> Visible:
    """The posts matching `query` the viewer may open, best first (two queries).

    The ranking weighs the newest CANDIDATES matches (operators applied) only: a common
    word matches a good part of all posts, and scoring every one of them cost more than
    a page may take. Those are then checked for the viewer as every timeline is (the
    database, given the matches first, answers in their order; joined to a timeline's
    query, SQLite walked every public post instead: 30 ms at 30k posts, measured)."""
    if query.empty or (following and viewer_id is None):
        return Visible(viewer_id, ())
    c = statuses
    cond: list[sa.ColumnElement[bool]] = [c.c.reblog_of_id.is_(None), _findable(c, viewer_id)]
    if account_id is not None:
        cond.append(c.c.account_id == account_id)
    if following:
        followed = sa.select(follows.c.target_account_id).where(follows.c.account_id == viewer_id)
        cond.append(sa.or_(c.c.account_id == viewer_id, c.c.account_id.in_(followed)))
    for name, value, negated in query.filters:
        found = _operator(c, viewer_id, name, value)
        cond.append(~found if negated else found)
    # Words as written first; only when those are too few, also words they begin (a
    # common word's matches are read newest first and stop at CANDIDATES; a prefix makes
    # SQLite read every matching word's postings whole: 230 ms for "coffee" at 1M posts).
    # PostgreSQL reads every match's row from a GIN bitmap, so it looks among the newest
    # RECENT posts first (3 s for "coffee" at 1M posts without that bound).
    windows = [None] if db.is_sqlite else [await _recent_bound(db), None]
    rows: list[Any] = []
    tiers: dict[int, int] = {}
    for since in dict.fromkeys(windows):
        rows, tiers = [], {}
        for prefix in (False, True):
            if prefix and (len(rows) >= CANDIDATES or not has_words(query)):
                break
            for r in await db.fetch_all(_candidates(db, query, cond, prefix=prefix, since=since)):
                if r.id not in tiers:
                    tiers[r.id] = int(prefix)
                    rows.append(r)
        if len(rows) >= CANDIDATES:
            break
    now = utcnow()
    # FTS5's bm25 is negative (lower is better), ts_rank_cd positive (higher is better):
    # either way a better match sorts first, and age moves its score towards zero. A word
    # matched as written ranks above one matched as the beginning of a longer word.
    sign = 1.0 if db.is_sqlite else -1.0

    def rank(row: Any) -> tuple[int, float, int]:
        age_days = max(0.0, (now - row.created_at).total_seconds() / 86400)
        score = sign * float(row.score) / (1.0 + age_days / FRESHNESS_DAYS)
        return tiers[row.id], score, -row.id

    ranked = [r.id for r in sorted(rows, key=rank)]
    seen = await visible_ids(db, viewer_id, ranked, hide_muted=True)
    return Visible(viewer_id, list(seen)[offset : offset + limit])


async def _recent_bound(db: Database) -> int | None:
    """The id of the RECENT-th newest post (None: there are fewer)."""
    found = await db.scalar(
        sa.select(statuses.c.id).order_by(statuses.c.id.desc()).offset(RECENT).limit(1)
    )
    return None if found is None else int(found)


def _candidates(
    db: Database, query: Query, cond: list[sa.ColumnElement[bool]], *, prefix: bool,
    since: int | None = None,
) -> sa.Select[Any]:  # fmt: skip
    """The newest CANDIDATES matches of the query's text under `cond` (ids), with their
    relevance (`score`); with `prefix`, its words may begin longer ones."""
    c = statuses
    newest = c.c.id.desc()
    none = sa.literal(0.0).label("score")
    if db.is_sqlite:
        match = fts5_match(query, prefix=prefix)
        if match is None:
            return (
                sa.select(c.c.id, c.c.created_at, none)
                .where(*cond)
                .order_by(newest)
                .limit(CANDIDATES)
            )
        return (
            sa.select(c.c.id, c.c.created_at, sa.func.bm25(_FTS_NAME).label("score"))
            .select_from(_FTS.join(c, c.c.id == _FTS.c.rowid))
            .where(_FTS_NAME.op("MATCH")(match), *cond)
            .order_by(_FTS.c.rowid.desc())
            .limit(CANDIDATES)
        )
    text = tsquery(query, prefix=prefix)
    if text is None:
        return (
            sa.select(c.c.id, c.c.created_at, none).where(*cond).order_by(newest).limit(CANDIDATES)
        )
    tsq = sa.func.to_tsquery(_PG_CONFIG, text)
    vector: sa.ColumnClause[Any] = sa.literal_column(_PG_VECTOR)
    # The matches are read from the GIN index first (a materialized CTE): left to choose,
    # PostgreSQL walked the primary key backwards computing every post's tsvector until
    # it had enough, which for a rare word is all of them (234 ms at 30k posts, measured).
    matched = (
        sa.select(c.c.id)
        .where(
            vector.op("@@")(tsq),
            c.c.reblog_of_id.is_(None),
            sa.true() if since is None else c.c.id >= since,
        )
        .cte("matched")
        .prefix_with("MATERIALIZED")
    )
    hits = (
        sa.select(c.c.id)
        .join(matched, matched.c.id == c.c.id)
        .where(*cond)
        .order_by(newest)
        .limit(CANDIDATES)
    ).subquery("hits")
    # Ranked apart, on the candidates only: ts_rank_cd needs each one's vector again.
    t = statuses.alias("t")
    again: sa.ColumnClause[Any] = sa.literal_column(_PG_VECTOR.replace("statuses.", "t."))
    relevance = sa.func.ts_rank_cd(again, tsq)
    return sa.select(t.c.id, t.c.created_at, relevance.label("score")).join(
        hits, hits.c.id == t.c.id
    )


def _findable(s: FromClause, viewer_id: int | None) -> sa.ColumnElement[bool]:
    """Mastodon's rule for what search may find (see the module's docstring)."""
    indexable = sa.and_(
        s.c.visibility == "public",
        sa.exists().where(accounts.c.id == s.c.account_id, accounts.c.indexable.is_(True)),
    )
    if viewer_id is None:
        return indexable
    return sa.or_(indexable, *_in_library(s, viewer_id))


def _in_library(s: FromClause, viewer_id: int) -> list[sa.ColumnElement[bool]]:
    """The viewer's own posts and those they are mentioned in, favourited or bookmarked."""
    return [
        s.c.account_id == viewer_id,
        sa.exists().where(mentions.c.status_id == s.c.id, mentions.c.account_id == viewer_id),
        sa.exists().where(favourites.c.status_id == s.c.id, favourites.c.account_id == viewer_id),
        sa.exists().where(bookmarks.c.status_id == s.c.id, bookmarks.c.account_id == viewer_id),
    ]


def _day(value: str) -> datetime:
    d = date.fromisoformat(value)
    return datetime(d.year, d.month, d.day)


def _operator(
    s: FromClause, viewer_id: int | None, name: str, value: str
) -> sa.ColumnElement[bool]:
    """The condition one operator puts on the post `s`."""
    if name == "from":
        if value == "me":
            return s.c.account_id == viewer_id if viewer_id is not None else sa.false()
        return sa.exists().where(
            accounts.c.id == s.c.account_id, accounts.c.username_lower == value
        )
    if name == "has":
        if value == "poll":
            return s.c.poll_id.is_not(None)
        if value == "link":
            return sa.or_(s.c.text.contains("http://"), s.c.text.contains("https://"))
        if value == "media":
            return s.c.media_count > 0
        if value in ("image", "video", "audio"):
            kinds = ("image", "gifv") if value == "image" else (value,)
            return sa.exists().where(
                media_attachments.c.status_id == s.c.id, media_attachments.c.type.in_(kinds)
            )
        return sa.false()  # has:embed: no link previews yet
    if name == "is":
        return s.c.in_reply_to_id.is_not(None) if value == "reply" else s.c.sensitive.is_(True)
    if name == "language":
        return s.c.language == value
    if name == "before":
        return s.c.created_at < _day(value)
    if name == "after":
        return s.c.created_at >= _day(value) + timedelta(days=1)
    if name == "during":
        return sa.and_(
            s.c.created_at >= _day(value), s.c.created_at < _day(value) + timedelta(days=1)
        )
    if value == "library":  # in:
        return sa.or_(*_in_library(s, viewer_id)) if viewer_id is not None else sa.false()
    if value == "public":
        return s.c.visibility == "public"
    return sa.true()  # in:all
