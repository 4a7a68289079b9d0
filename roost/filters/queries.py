"""Reading filters: one's own only (another's is not told apart from none), as Mastodon's
entities, and each viewer's active filters, cached and compiled, to apply to the posts a
page shows (`ViewerFilters`)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa

from roost.cache import Cache
from roost.db import Database
from roost.errors import NotFound
from roost.filters.entities import Filter, FilterKeyword, FilterStatus, V1Filter
from roost.filters.matching import (
    ActiveFilter,
    ActiveFilters,
    active_filters,
    apply,
    compile_keywords,
    hidden_in,
    marked,
    matches,
)
from roost.filters.tables import filter_keywords, filter_statuses, filters
from roost.notifications.entities import Notification
from roost.statuses.entities import Status
from roost.statuses.render import MARKER, MARKER_TTL, is_marker
from roost.timeutil import iso_or_none, utcnow

FILTERS_TTL = 600.0  # seconds in the shared cache; writes invalidate it
# How long a process trusts its own copy when the shared cache has none (emptied, or
# expired): shorter than an invalidation marker lives, so a write made anywhere is seen,
# either as the marker or by the copy expiring.
LOCAL_TTL = MARKER_TTL * 0.8
LOCAL_MAX = 10_000  # viewers whose filters a process keeps


def filters_key(account_id: int) -> str:
    """The cache key of an account's filters (dropped by every write to them)."""
    return f"filters:{account_id}"


def contexts_of(row: Any) -> list[str]:
    return [c for c in str(row.context).split(",") if c]


def filter_entity(
    row: Any, keywords: Sequence[Any] | None, statuses: Sequence[Any] | None
) -> Filter:
    """A filters row as a Filter (without `keywords` and `statuses` when given None)."""
    return Filter(
        id=str(row.id),
        title=row.title,
        context=contexts_of(row),
        expires_at=iso_or_none(row.expires_at),
        filter_action=row.action,
        keywords=msgspec.UNSET if keywords is None else [keyword_entity(k) for k in keywords],
        statuses=msgspec.UNSET if statuses is None else [status_entity(s) for s in statuses],
    )


def keyword_entity(row: Any) -> FilterKeyword:
    return FilterKeyword(id=str(row.id), keyword=row.keyword, whole_word=bool(row.whole_word))


def status_entity(row: Any) -> FilterStatus:
    return FilterStatus(id=str(row.id), status_id=str(row.status_id))


async def access_filter(db: Database, owner_id: int, filter_id: int) -> Any:
    """One's own filter row; NotFound for another's."""
    row = await db.fetch_one(
        sa.select(filters).where(filters.c.id == filter_id, filters.c.account_id == owner_id)
    )
    if row is None:
        raise NotFound()
    return row


async def filters_of(db: Database, owner_id: int, filter_id: int | None = None) -> list[Filter]:
    """One's filters (or the one `filter_id`) with their keywords and statuses, oldest
    first (three queries)."""
    query = sa.select(filters).where(filters.c.account_id == owner_id)
    if filter_id is not None:
        query = query.where(filters.c.id == filter_id)
    rows = await db.fetch_all(query.order_by(filters.c.id))
    ids = [r.id for r in rows]
    if not ids:
        return []
    keywords: dict[int, list[Any]] = {i: [] for i in ids}
    for k in await db.fetch_all(
        sa.select(filter_keywords)
        .where(filter_keywords.c.filter_id.in_(ids))
        .order_by(filter_keywords.c.id)
    ):
        keywords[k.filter_id].append(k)
    statuses: dict[int, list[Any]] = {i: [] for i in ids}
    for s in await db.fetch_all(
        sa.select(filter_statuses)
        .where(filter_statuses.c.filter_id.in_(ids))
        .order_by(filter_statuses.c.id)
    ):
        statuses[s.filter_id].append(s)
    return [filter_entity(r, keywords[r.id], statuses[r.id]) for r in rows]


async def one_filter(db: Database, owner_id: int, filter_id: int) -> Filter:
    """One's filter `filter_id`; NotFound for another's."""
    found = await filters_of(db, owner_id, filter_id)
    if not found:
        raise NotFound()
    return found[0]


async def keywords_of(db: Database, owner_id: int, filter_id: int) -> list[FilterKeyword]:
    """The keywords of one's filter, oldest first."""
    await access_filter(db, owner_id, filter_id)
    rows = await db.fetch_all(
        sa.select(filter_keywords)
        .where(filter_keywords.c.filter_id == filter_id)
        .order_by(filter_keywords.c.id)
    )
    return [keyword_entity(r) for r in rows]


def _keywords_with_filters() -> sa.Select[Any]:
    return sa.select(
        filter_keywords,
        filters.c.account_id,
        filters.c.title,
        filters.c.context,
        filters.c.action,
        filters.c.expires_at,
    ).join(filters, filters.c.id == filter_keywords.c.filter_id)


async def access_keyword(db: Database, owner_id: int, keyword_id: int) -> Any:
    """A keyword of one of one's filters, with its filter's columns; NotFound otherwise."""
    row = await db.fetch_one(
        _keywords_with_filters().where(
            filter_keywords.c.id == keyword_id, filters.c.account_id == owner_id
        )
    )
    if row is None:
        raise NotFound()
    return row


async def filter_statuses_of(db: Database, owner_id: int, filter_id: int) -> list[FilterStatus]:
    """The statuses of one's filter, oldest first."""
    await access_filter(db, owner_id, filter_id)
    rows = await db.fetch_all(
        sa.select(filter_statuses)
        .where(filter_statuses.c.filter_id == filter_id)
        .order_by(filter_statuses.c.id)
    )
    return [status_entity(r) for r in rows]


async def access_filter_status(db: Database, owner_id: int, filter_status_id: int) -> Any:
    """A status of one of one's filters; NotFound otherwise."""
    row = await db.fetch_one(
        sa.select(filter_statuses)
        .join(filters, filters.c.id == filter_statuses.c.filter_id)
        .where(filter_statuses.c.id == filter_status_id, filters.c.account_id == owner_id)
    )
    if row is None:
        raise NotFound()
    return row


def v1_entity(row: Any) -> V1Filter:
    """A keyword with its filter's columns as Mastodon's V1::Filter."""
    return V1Filter(
        id=str(row.id),
        phrase=row.keyword,
        context=contexts_of(row),
        whole_word=bool(row.whole_word),
        expires_at=iso_or_none(row.expires_at),
        irreversible=row.action == "hide",
    )


async def v1_filters(db: Database, owner_id: int) -> list[V1Filter]:
    """Every keyword of one's filters as a V1::Filter (the pre-4.0 API)."""
    rows = await db.fetch_all(
        _keywords_with_filters()
        .where(filters.c.account_id == owner_id)
        .order_by(filter_keywords.c.id)
    )
    return [v1_entity(r) for r in rows]


class CachedFilter(msgspec.Struct, array_like=True):
    """One filter as the shared cache holds it."""

    id: int
    title: str
    context: str
    action: str
    expires_at: datetime | None
    keywords: list[tuple[str, bool]]
    status_ids: list[int]


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(list[CachedFilter]).decode


def _active_statement() -> sa.CompoundSelect[Any]:
    """All of an account's filters with their keywords and statuses, in one query."""
    owner = sa.bindparam("owner", type_=sa.BigInteger)
    cols = [filters.c.id, filters.c.title, filters.c.context, filters.c.action,
            filters.c.expires_at]  # fmt: skip
    return sa.union_all(
        sa.select(
            *cols,
            filter_keywords.c.keyword,
            filter_keywords.c.whole_word,
            sa.cast(sa.null(), sa.BigInteger).label("status_id"),
        )
        .select_from(
            filters.outerjoin(filter_keywords, filter_keywords.c.filter_id == filters.c.id)
        )
        .where(filters.c.account_id == owner),
        sa.select(
            *cols,
            sa.cast(sa.null(), sa.String),
            sa.cast(sa.null(), sa.Boolean),
            filter_statuses.c.status_id,
        )
        .select_from(filters.join(filter_statuses, filter_statuses.c.filter_id == filters.c.id))
        .where(filters.c.account_id == owner),
    )


_ACTIVE = _active_statement()


async def _load(db: Database, owner_id: int) -> list[CachedFilter]:
    now = utcnow()
    found: dict[int, CachedFilter] = {}
    for r in await db.fetch_all(_ACTIVE, {"owner": owner_id}):
        if r.expires_at is not None and r.expires_at <= now:
            continue
        f = found.get(r.id)
        if f is None:
            f = found[r.id] = CachedFilter(r.id, r.title, r.context, r.action, r.expires_at, [], [])
        if r.keyword is not None:
            f.keywords.append((r.keyword, bool(r.whole_word)))
        if r.status_id is not None:
            f.status_ids.append(int(r.status_id))
    return [found[i] for i in sorted(found)]


def _compiled(cached: list[CachedFilter]) -> ActiveFilters:
    out = []
    for c in cached:
        entity = msgspec.to_builtins(
            Filter(
                id=str(c.id),
                title=c.title,
                context=contexts_of(c),
                expires_at=iso_or_none(c.expires_at),
                filter_action=c.action,
            )
        )
        out.append(
            ActiveFilter(
                id=c.id,
                action=c.action,
                contexts=frozenset(contexts_of(c)),
                expires_at=c.expires_at,
                pattern=compile_keywords(sorted(set(c.keywords))),
                status_ids=frozenset(c.status_ids),
                entity=entity,
            )
        )
    return active_filters(out, sorted({k for c in cached for k in c.keywords}))


class ViewerFilters:
    """Each viewer's unexpired filters, compiled, for one instance.

    A page asks the shared cache (one key, no query); on a miss, one query reads the
    viewer's filters, none at all when there are none, and fills it. Every write to a
    viewer's filters invalidates the key (roost.filters.actions). The process also keeps
    what it compiled, with the value it was compiled from, so that a viewer with filters
    costs no compiling per page, and an emptied cache no query for a few seconds
    (LOCAL_TTL). A copy read from the database under an invalidation's marker is kept with
    that marker: while the same marker is there, no write has come since (each write
    leaves its own), so the seconds after a write cost one query, not one per page."""

    def __init__(self, db: Database, cache: Cache) -> None:
        self.db = db
        self.cache = cache
        self._local: dict[int, tuple[float, bytes, ActiveFilters]] = {}

    async def active(self, viewer_id: int) -> ActiveFilters:
        """The viewer's filters, compiled (expired ones may remain: `matches` skips them)."""
        key = filters_key(viewer_id)
        raw = (await self.cache.get_many([key]))[0]
        local = self._local.get(viewer_id)
        clock = time.monotonic()
        if local is not None and raw is not None and local[1] == raw and raw != MARKER:
            return local[2]
        if raw is not None and not is_marker(raw):
            compiled = _compiled(_decode(raw))
        elif raw is None and local is not None and clock - local[0] < LOCAL_TTL:
            return local[2]
        else:
            cached = await _load(self.db, viewer_id)
            compiled = _compiled(cached)
            if raw is None:  # never over a marker: see roost.statuses.render
                raw = _encode(cached)
                await self.cache.add_many({key: raw}, FILTERS_TTL)
        if len(self._local) >= LOCAL_MAX:
            self._local.clear()
        self._local[viewer_id] = (clock, raw, compiled)
        return compiled

    async def of(self, viewer_id: int) -> list[ActiveFilter]:
        """The viewer's filters (expired ones may remain: `matches` skips them)."""
        return (await self.active(viewer_id)).filters

    async def apply(
        self,
        viewer_id: int,
        statuses: list[Status],
        context: str,
        *,
        active: ActiveFilters | None = None,
        texts: Mapping[str, str] | None = None,
    ) -> list[Status]:
        """`statuses` as `context` (home, notifications, public, thread, account) shows
        them to the viewer: see roost.filters.matching.apply. `active`: the viewer's
        filters when already looked up; `texts`: see roost.filters.matching.text_of."""
        if not statuses:
            return statuses
        if active is None:
            active = await self.active(viewer_id)
        if not active.filters:
            return statuses
        return apply(active, statuses, context, viewer_id, utcnow(), texts)

    async def check(self, viewer_id: int, status: Status) -> tuple[Status, frozenset[str]]:
        """One status with its `filtered` results, and the contexts where a filter hides
        it (live updates: one status for several streams)."""
        active = await self.active(viewer_id)
        found = matches(active, status, utcnow()) if active.filters else []
        if not found:
            return status, frozenset()
        if (status.reblog or status).account.id == str(viewer_id):
            return marked(status, found), frozenset()
        return marked(status, found), hidden_in(found)

    async def notifications(
        self, viewer_id: int, notifications: list[Notification]
    ) -> list[Notification]:
        """Notifications as the `notifications` context shows them: those about a post a
        `hide` filter matches left out, the others' posts marked."""
        statuses = [n.status for n in notifications if n.status is not None]
        if not statuses:
            return notifications
        kept = {s.id: s for s in await self.apply(viewer_id, statuses, "notifications")}
        out = []
        for n in notifications:
            if n.status is None:
                out.append(n)
            elif (status := kept.get(n.status.id)) is not None:
                out.append(n if status is n.status else msgspec.structs.replace(n, status=status))
        return out
