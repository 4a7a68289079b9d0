"""Feeds in SQL (the embedded default): `home_feed` and `list_feed`, each with its table of
presence marks. One store serves one kind of feed; their statements are the same, built
once per kind."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from roost.db import Database, Transaction
from roost.db.prepared import any_of
from roost.feeds import FEED_CAP, FeedKind
from roost.feeds.tables import home_feed, home_feed_marks, list_feed, list_feed_marks

BATCH = 500  # rows per multi-row INSERT (SQLite allows 32766 bound parameters)


@dataclass(frozen=True)
class _Tables:
    """One kind's feed table and marks table, and their owner columns."""

    feed: sa.Table
    marks: sa.Table
    owner: str  # the owner column's name in both

    def feed_owner(self) -> sa.Column[Any]:
        return self.feed.c[self.owner]

    def marked(self) -> sa.Column[Any]:
        return self.marks.c[self.owner]


HOME = _Tables(home_feed, home_feed_marks, "owner_id")
LISTS = _Tables(list_feed, list_feed_marks, "list_id")
_KINDS: dict[FeedKind, _Tables] = {"home": HOME, "list": LISTS}


@functools.cache
def _page_statement(t: _Tables, bounds: tuple[str, ...], limit: int) -> sa.Select[Any]:
    """One round trip: the page's ids, plus a row marking presence even when the page is
    empty. Built once per shape (which of max_id/since_id/min_id are given, and limit)."""
    col = t.feed.c.status_id
    marked = t.marked()
    owner = sa.bindparam("owner", type_=sa.BigInteger)
    query = sa.select(col).where(t.feed_owner() == owner)
    if "max_id" in bounds:
        query = query.where(col < sa.bindparam("max_id", type_=sa.BigInteger))
    if "since_id" in bounds:
        query = query.where(col > sa.bindparam("since_id", type_=sa.BigInteger))
    if "min_id" in bounds:
        query = query.where(col > sa.bindparam("min_id", type_=sa.BigInteger)).order_by(col.asc())
    else:
        query = query.order_by(col.desc())
    ids_q = query.limit(limit).subquery()
    return (
        sa.select(marked.label("owner_id"), ids_q.c.status_id)
        .select_from(t.marks.outerjoin(ids_q, sa.true()))
        .where(marked == owner)
    )


TRIM_EVERY = 8  # a push trims the feeds it touched about once in this many pushes


def _trims(status_id: int) -> bool:
    """Whether pushing `status_id` trims the feeds (about one status in TRIM_EVERY, spread
    by a multiplicative hash: ids' low bits are a per-millisecond sequence, mostly 0).

    Between trims a full feed holds a few entries past FEED_CAP, older than the newest
    FEED_CAP: a read from the top never sees them (`page` caps `limit`), and paging past
    the 800th entry shows a little more history, as Mastodon's own fallback to the
    database does."""
    return ((status_id * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) >> 61 == 0


@functools.cache
def _push_statement(t: _Tables) -> sa.Insert:
    """The status into every present feed of a batch that lacks it (idempotent)."""
    status = sa.bindparam("status_id", type_=sa.BigInteger)
    present = sa.select(t.marked(), status, sa.bindparam("author_id", type_=sa.BigInteger)).where(
        any_of(t.marked(), "owners"),
        ~sa.exists().where(t.feed_owner() == t.marked(), t.feed.c.status_id == status),
    )
    return t.feed.insert().from_select([t.owner, "status_id", "author_id"], present)


@functools.cache
def _cutoffs_statement(t: _Tables) -> sa.Select[Any]:
    """Each given feed's entry just past the cap, for the feeds that have one."""
    entry = t.feed.alias("entry")
    cutoff = (
        sa.select(entry.c.status_id)
        .where(entry.c[t.owner] == t.marked())
        .order_by(entry.c.status_id.desc())
        .limit(1)
        .offset(FEED_CAP)
        .scalar_subquery()
    )
    over = (
        sa.select(t.marked().label("owner_id"), cutoff.label("cutoff"))
        .where(any_of(t.marked(), "owners"))
        .subquery()
    )
    return sa.select(over).where(over.c.cutoff.is_not(None))


@functools.cache
def _trim_statement(t: _Tables) -> sa.Delete:
    return t.feed.delete().where(
        t.feed_owner() == sa.bindparam("owner", type_=sa.BigInteger),
        t.feed.c.status_id <= sa.bindparam("cutoff", type_=sa.BigInteger),
    )


async def forget_statuses(tx: Transaction, status_ids: Sequence[int]) -> None:
    """Remove deleted statuses from every SQL feed, inside the transaction that deletes
    them (the rows' foreign key would refuse the delete otherwise). Feeds of other stores,
    and live streams, learn of it through the `unfan_out` job."""
    for table in (home_feed, list_feed):
        await tx.execute(table.delete().where(table.c.status_id.in_(list(status_ids))))


class SqlFeedStore:
    """The FeedStore of `kind` ("home": owners are accounts; "list": owners are lists)."""

    def __init__(self, db: Database, kind: FeedKind = "home") -> None:
        self.db = db
        self._t = _KINDS[kind]

    async def push(self, owner_ids: Sequence[int], status_id: int, author_id: int) -> None:
        await self.push_many([(owner_ids, status_id, author_id)])

    async def push_many(self, pushes: Sequence[tuple[Sequence[int], int, int]]) -> None:
        pushes = [p for p in pushes if p[0]]
        if not pushes:
            return
        async with self.db.transaction() as tx:
            for owner_ids, status_id, author_id in pushes:
                trim = _trims(status_id)
                for start in range(0, len(owner_ids), BATCH):
                    chunk = list(owner_ids[start : start + BATCH])
                    params = {"owners": chunk, "status_id": status_id, "author_id": author_id}
                    await tx.execute(_push_statement(self._t), [params])
                    if trim:
                        await self._trim(tx, chunk)

    async def _trim(self, tx: Any, owner_ids: list[int]) -> None:
        """Cap each feed at FEED_CAP: drop entries older than the FEED_CAP-th newest.

        First each feed's cutoff, the entry just past the cap, found by walking the
        (owner_id, status_id) key newest first, which stops after FEED_CAP + 1 entries and
        after fewer in a shorter feed; then a delete per feed that overflows. A window
        function over all entries of the feeds sorted every entry of every feed (~0.9 ms
        per full feed); a correlated "FEED_CAP-th newest" subquery per row of the delete
        cost seconds per batch of full feeds. The walk is still most of a push into full
        feeds (5.6 of 16 ms for 66 of them, measured), so a push trims only now and then
        (`_trims`)."""
        rows = (await tx.execute(_cutoffs_statement(self._t), [{"owners": owner_ids}])).all()
        if rows:
            await tx.execute(
                _trim_statement(self._t), [{"owner": r.owner_id, "cutoff": r.cutoff} for r in rows]
            )

    async def fill(self, owner_id: int, entries: Sequence[tuple[int, int]]) -> None:
        t = self._t
        async with self.db.transaction() as tx:
            marked = await tx.scalar(sa.select(t.marked()).where(t.marked() == owner_id))
            if marked is None:
                await tx.execute(t.marks.insert().values({t.owner: owner_id}))
            if entries:
                have = set(
                    await tx.scalars(
                        sa.select(t.feed.c.status_id).where(
                            t.feed_owner() == owner_id,
                            t.feed.c.status_id.in_([sid for sid, _ in entries]),
                        )
                    )
                )
                rows = [
                    {t.owner: owner_id, "status_id": sid, "author_id": aid}
                    for sid, aid in dict(entries).items()
                    if sid not in have
                ]
                if rows:
                    await tx.execute(t.feed.insert(), rows)
                await self._trim(tx, [owner_id])

    async def remove(self, owner_ids: Sequence[int], entries: Sequence[tuple[int, int]]) -> None:
        if not owner_ids or not entries:
            return
        async with self.db.transaction() as tx:
            for start in range(0, len(owner_ids), BATCH):
                await tx.execute(
                    self._t.feed.delete().where(
                        self._t.feed_owner().in_(list(owner_ids[start : start + BATCH])),
                        self._t.feed.c.status_id.in_([sid for sid, _ in entries]),
                    )
                )

    async def remove_author(self, owner_id: int, author_id: int) -> None:
        feed = self._t.feed
        await self.db.execute(
            feed.delete().where(self._t.feed_owner() == owner_id, feed.c.author_id == author_id)
        )

    async def page(
        self,
        owner_id: int,
        *,
        max_id: int | None = None,
        since_id: int | None = None,
        min_id: int | None = None,
        limit: int = 20,
    ) -> list[int] | None:
        bounds = {"max_id": max_id, "since_id": since_id, "min_id": min_id}
        given = {k: v for k, v in bounds.items() if v is not None}
        # At most the newest FEED_CAP from the top (between trims a feed holds a few more).
        stmt = _page_statement(self._t, tuple(sorted(given)), min(limit, FEED_CAP))
        rows = await self.db.fetch_all(stmt, {"owner": owner_id, **given})
        if not rows:
            return None
        ids = [r.status_id for r in rows if r.status_id is not None]
        return sorted(ids, reverse=True)

    async def drop(self, owner_id: int) -> None:
        t = self._t
        async with self.db.transaction() as tx:
            await tx.execute(t.feed.delete().where(t.feed_owner() == owner_id))
            await tx.execute(t.marks.delete().where(t.marked() == owner_id))

    async def clear(self) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(self._t.feed.delete())
            await tx.execute(self._t.marks.delete())
