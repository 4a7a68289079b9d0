"""Full-text search of posts: SQLite's FTS5 or PostgreSQL's text search, with Mastodon's
operators, ranked by relevance and freshness, and only among posts the viewer may open
(what may be found at all: roost.search.conditions).

A common word matches a good part of all posts, so a search never ranks or checks every
match: it takes the newest CANDIDATES matches from the index (operators and "may be found"
applied), ranks those and checks them for the viewer as every timeline is. Its statements
are built once per shape (which operators, signed in or not) with the words, the viewer and
the operators' values as bind parameters, so they run through the db seam's fast path
(built per request, a search at 30k posts took 4.1 ms in-process, 0.7 ms of it SQL).
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa

from roost.db import Database
from roost.graph.tables import follows
from roost.search.conditions import VIEWER, Filter, filter_shape, findable, operator
from roost.search.operators import Query, fts5_match, has_words, tsquery
from roost.statuses.queries import visible_ids
from roost.statuses.tables import statuses
from roost.statuses.visible import Visible
from roost.timeutil import utcnow

FRESHNESS_DAYS = 7.0  # a match this old weighs half as much as a new one
CANDIDATES = 200
CHECK_SLACK = 20  # candidates checked for the viewer past the page's end at first
_FTS = sa.table("status_search", sa.column("rowid", sa.BigInteger))
_FTS_NAME: sa.ColumnClause[Any] = sa.literal_column("status_search")
# PostgreSQL's stored words of each post (migration 0035), indexed with GIN.
_PG_VECTOR: sa.ColumnClause[Any] = sa.literal_column("statuses.search_vector")
_PG_CONFIG: sa.ColumnClause[Any] = sa.literal_column("'roost_search'::regconfig")
_TEXT = sa.bindparam("q", type_=sa.String)
_MARK = "\x01"
_MARKED: sa.ColumnClause[str] = sa.literal_column(
    "highlight(status_search, 0, char(1), '') || ' ' || highlight(status_search, 1, char(1), '')"
)
BM25_K1, BM25_B = 1.2, 0.75  # FTS5's and Lucene's defaults


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
    """The posts matching `query` the viewer may open, best first (two queries for a
    common word; a word matched as written ranks above one matched as the beginning of a
    longer word, which is only looked for when the words as written are too few)."""
    if query.empty or (following and viewer_id is None):
        return Visible(viewer_id, ())
    shape: list[Filter] = []
    params: dict[str, Any] = {"viewer": viewer_id, "account": account_id}
    for i, (name, value, negated) in enumerate(query.filters):
        f, values = filter_shape(i, name, value, negated)
        shape.append(f)
        params.update(values)
    stmt = _candidates(
        db.is_sqlite, viewer_id is None, tuple(shape), account_id is not None, following,
        bool(query.terms),
    )  # fmt: skip
    rows: list[Any] = []
    tiers: dict[int, int] = {}
    for prefix in (False, True):
        if prefix and (len(rows) >= CANDIDATES or not has_words(query)):
            break
        text = fts5_match(query, prefix=prefix) if db.is_sqlite else tsquery(query, prefix=prefix)
        for r in await db.fetch_all_replanned(stmt, {**params, "q": text}):
            if r.id not in tiers:
                tiers[r.id] = int(prefix)
                rows.append(r)
    now = utcnow()
    relevance = _fts5_relevance(rows) if db.is_sqlite else [float(r.score) for r in rows]
    ranks = []
    for r, score in zip(rows, relevance, strict=True):
        age_days = max(0.0, (now - r.created_at).total_seconds() / 86400)
        ranks.append((tiers[r.id], -score / (1.0 + age_days / FRESHNESS_DAYS), -r.id))
    ranked = [-rank[2] for rank in sorted(ranks)]
    # Checked for the viewer best first, as far as the page needs (most candidates are
    # visible), then the rest only if too many of those were not.
    wanted = offset + limit
    seen = await visible_ids(db, viewer_id, ranked[: wanted + CHECK_SLACK], hide_muted=True)
    if len(seen) < wanted and len(ranked) > wanted + CHECK_SLACK:
        rest = await visible_ids(db, viewer_id, ranked[wanted + CHECK_SLACK :], hide_muted=True)
        seen = Visible.join(seen, rest)
    return Visible(viewer_id, list(seen)[offset:wanted])


def _fts5_relevance(rows: list[Any]) -> list[float]:
    """BM25 of each match among the candidates, from its text with every match of the
    query marked (FTS5's `highlight`, so its tokenizer and the query's own phrases): the
    marks count the occurrences, and the words between spaces stand for its length.

    Not FTS5's `bm25()`: that first counts the posts each phrase matches in the whole
    index (its IDF), for a common word a read of all its postings whatever the LIMIT
    (for "coffee" at 1M posts the newest 200 took 4.4 ms with it, 0.8 ms with
    `highlight`, measured). Every candidate contains every word of the query, so that
    weight changes little in their order."""
    marks = [r.marked.count(_MARK) for r in rows]
    lengths = [len(r.marked.split()) for r in rows]
    k1, b = BM25_K1, BM25_B
    per_word = k1 * b / max(1.0, sum(lengths) / len(rows)) if rows else 0.0
    return [
        n * (k1 + 1) / (n + k1 * (1 - b) + per_word * w)
        for n, w in zip(marks, lengths, strict=True)
    ]


@functools.lru_cache(maxsize=256)
def _candidates(
    sqlite: bool, anonymous: bool, filters: tuple[Filter, ...], by_account: bool,
    following: bool, text: bool,
) -> sa.Select[Any]:  # fmt: skip
    """The newest CANDIDATES posts matching the text bound as `q` (ids, times, and on
    PostgreSQL relevance as `score`, on SQLite the text with its matches `marked`) that
    may be found and pass the operators: one statement per shape."""
    c = statuses
    cond: list[sa.ColumnElement[bool]] = [c.c.reblog_of_id.is_(None), findable(c, anonymous)]
    if by_account:
        cond.append(c.c.account_id == sa.bindparam("account", type_=sa.BigInteger))
    if following:
        followed = sa.select(follows.c.target_account_id).where(follows.c.account_id == VIEWER)
        cond.append(sa.or_(c.c.account_id == VIEWER, c.c.account_id.in_(followed)))
    cond += [operator(c, anonymous, i, f) for i, f in enumerate(filters)]
    if not text:
        # No Float: the fast path's asyncpg plan cannot take its result processor.
        none = sa.literal("" if sqlite else 0).label("marked" if sqlite else "score")
        return (
            sa.select(c.c.id, c.c.created_at, none)
            .where(*cond)
            .order_by(c.c.id.desc())
            .limit(CANDIDATES)
        )
    if sqlite:
        # FTS5 reads a word's postings newest first (rowid DESC) and stops at the limit;
        # `_fts5_relevance` scores the matches from their marked text (see there).
        return (
            sa.select(c.c.id, c.c.created_at, _MARKED.label("marked"))
            .select_from(_FTS.join(c, c.c.id == _FTS.c.rowid))
            .where(_FTS_NAME.op("MATCH")(_TEXT), *cond)
            .order_by(_FTS.c.rowid.desc())
            .limit(CANDIDATES)
        )
    return _pg_candidates(cond)


def _pg_candidates(cond: list[sa.ColumnElement[bool]]) -> sa.Select[Any]:
    """The newest CANDIDATES matches, ranked apart. The words are stored per post
    (migration 0035), so PostgreSQL chooses by the word's frequency: for a common word it
    walks the newest posts testing each stored vector and stops at the 200th match (0.3 ms
    for a word in 12% of 1M posts), for a rare one it reads the GIN index (0.3 to 10 ms)."""
    c = statuses
    tsq = sa.func.to_tsquery(_PG_CONFIG, _TEXT)
    hits = (
        sa.select(c.c.id)
        .where(_PG_VECTOR.op("@@")(tsq), *cond)
        .order_by(c.c.id.desc())
        .limit(CANDIDATES)
    ).subquery("hits")
    t = statuses.alias("t")
    relevance = sa.func.ts_rank_cd(sa.literal_column("t.search_vector"), tsq)
    return sa.select(t.c.id, t.c.created_at, relevance.label("score")).join(
        hits, hits.c.id == t.c.id
    )
