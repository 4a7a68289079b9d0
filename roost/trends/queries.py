"""What is trending: hashtags used and links shared by many different people in the last
two days, and posts many different people liked, boosted or quoted, each decayed with age.

People count, not posts: a score adds one per distinct account, weighed by how recent
its use (tags) or the post (statuses) is, so thirty people using a tag once beat one
person using another three hundred times. Only public posts of discoverable accounts
count, as in Mastodon. The ranking is computed at most every CACHE_SECONDS and shared
through the cache; each viewer then gets the posts they may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import msgspec
import sqlalchemy as sa

from roost.accounts.tables import accounts
from roost.cache import Cache
from roost.db import Database
from roost.ids import id_at, id_time
from roost.statuses.queries import visible_ids
from roost.statuses.tables import favourites, status_tags, statuses, tags
from roost.statuses.visible import Visible
from roost.timeutil import utcnow
from roost.trends.links import share_rows
from roost.trends.tables import trend_reviews

WINDOW = timedelta(hours=48)
TAG_HALF_LIFE_HOURS = 6.0  # a use this old counts half
STATUS_HALF_LIFE_HOURS = 12.0
MIN_ACCOUNTS = 2  # one person alone does not make a trend
CACHE_SECONDS = 120.0
KEEP = 200  # ranked items kept per kind
_RANKED = msgspec.json.Decoder(list[tuple[int, float]])


async def trending_tags(
    db: Database, cache: Cache, *, review: bool, limit: int, offset: int = 0
) -> list[int]:
    """Ids of the trending hashtags, the strongest first."""
    ranked = await _ranked(db, cache, "tag", review)
    return [i for i, _ in ranked[offset : offset + limit]]


async def trending_links(
    db: Database, cache: Cache, *, review: bool, limit: int, offset: int = 0
) -> list[int]:
    """Ids of the cards of the trending links, the strongest first."""
    ranked = await _ranked(db, cache, "link", review)
    return [i for i, _ in ranked[offset : offset + limit]]


async def trending_statuses(
    db: Database, cache: Cache, viewer_id: int | None, *, review: bool, limit: int,
    offset: int = 0,
) -> Visible:  # fmt: skip
    """The trending posts the viewer may see (blocks and mutes hold), the strongest first."""
    ranked = await _ranked(db, cache, "status", review)
    ids = [i for i, _ in ranked]
    seen = await visible_ids(db, viewer_id, ids, hide_muted=True)
    return Visible(viewer_id, list(seen)[offset : offset + limit])


async def pending_review(db: Database, cache: Cache, kind: str) -> list[int]:
    """Trending ids nobody has approved or rejected yet (what review mode holds back)."""
    ranked = await _ranked(db, cache, kind, False)
    reviewed = set(
        await db.scalars(
            sa.select(trend_reviews.c.target_id).where(
                trend_reviews.c.kind == kind,
                trend_reviews.c.target_id.in_([i for i, _ in ranked]),
            )
        )
    )
    return [i for i, _ in ranked if i not in reviewed]


async def review_candidates(db: Database, cache: Cache, kind: str) -> list[tuple[int, bool | None]]:
    """Every ranked id of `kind` (rejected ones too), the strongest first, with what staff
    decided about it (None: nobody has reviewed it yet); what the admin trends list shows."""
    ranked = await _ranked_scores(db, cache, kind)
    decided = await _decisions(db, kind, [i for i, _ in ranked])
    return [(i, decided.get(i)) for i, _ in ranked]


async def _ranked_scores(db: Database, cache: Cache, kind: str) -> list[tuple[int, float]]:
    key = f"trends:{kind}"
    cached = (await cache.get_many([key]))[0]
    if cached is not None:
        return _RANKED.decode(cached)
    now = utcnow()
    score = {"tag": _score_tags, "status": _score_statuses, "link": _score_links}[kind]
    ranked = await score(db, now)
    await cache.set_many({key: msgspec.json.encode(ranked)}, CACHE_SECONDS)
    return ranked


async def _decisions(db: Database, kind: str, ids: list[int]) -> dict[int, bool]:
    if not ids:
        return {}
    return {
        r.target_id: r.trendable
        for r in await db.fetch_all(
            sa.select(trend_reviews.c.target_id, trend_reviews.c.trendable).where(
                trend_reviews.c.kind == kind, trend_reviews.c.target_id.in_(ids)
            )
        )
    }


async def _ranked(db: Database, cache: Cache, kind: str, review: bool) -> list[tuple[int, float]]:
    ranked = await _ranked_scores(db, cache, kind)
    decided = await _decisions(db, kind, [i for i, _ in ranked])
    if review:
        return [(i, s) for i, s in ranked if decided.get(i) is True]
    return [(i, s) for i, s in ranked if decided.get(i) is not False]


def _eligible(s: sa.Table | sa.Alias) -> list[sa.ColumnElement[bool]]:
    """Posts that may count: public, not a reply, without a warning, by a discoverable
    account in good standing."""
    return [
        s.c.visibility == "public",
        s.c.reblog_of_id.is_(None),
        s.c.in_reply_to_id.is_(None),
        s.c.sensitive.is_(False),
        s.c.spoiler_text == "",
        sa.exists().where(
            accounts.c.id == s.c.account_id,
            accounts.c.discoverable.is_(True),
            accounts.c.suspended_at.is_(None),
            accounts.c.silenced_at.is_(None),  # limited by a moderator
        ),
    ]


def _weight(at_id: int, now: datetime, half_life_hours: float) -> float:
    """How much something made when the id `at_id` was made counts `now`."""
    at = id_time(at_id).replace(tzinfo=None)
    hours = max(0.0, (now - at).total_seconds() / 3600)
    return float(0.5 ** (hours / half_life_hours))


async def _score_tags(db: Database, now: datetime) -> list[tuple[int, float]]:
    """Each tag's score: one per account that used it in the window, weighed by the age
    of that account's latest use (one grouped query)."""
    rows = await db.fetch_all(
        sa.select(status_tags.c.tag_id, statuses.c.account_id, sa.func.max(statuses.c.id))
        .join(statuses, statuses.c.id == status_tags.c.status_id)
        .where(statuses.c.id >= id_at(now - WINDOW), *_eligible(statuses))
        .group_by(status_tags.c.tag_id, statuses.c.account_id)
    )
    return _top(rows, now, TAG_HALF_LIFE_HOURS)


async def _score_links(db: Database, now: datetime) -> list[tuple[int, float]]:
    """Each link card's score: one per account that shared it in the window, weighed by
    the age of that account's latest share (one grouped query)."""
    rows = await db.fetch_all(share_rows(_eligible(statuses), id_at(now - WINDOW)))
    return _top(rows, now, TAG_HALF_LIFE_HOURS)


async def _score_statuses(db: Database, now: datetime) -> list[tuple[int, float]]:
    """Each recent post's score: the distinct accounts (not its author) that favourited,
    boosted or quoted it, weighed by the post's age (one query)."""
    since = id_at(now - WINDOW)
    reblog = statuses.alias("reblog")
    acts = sa.union(
        sa.select(favourites.c.status_id.label("sid"), favourites.c.account_id.label("who"))
        .where(favourites.c.status_id >= since),
        sa.select(reblog.c.reblog_of_id, reblog.c.account_id)
        .where(reblog.c.reblog_of_id >= since),
        sa.select(reblog.c.quote_of_id, reblog.c.account_id)
        .where(reblog.c.quote_of_id >= since),
    ).subquery("acts")  # fmt: skip
    rows = await db.fetch_all(
        sa.select(acts.c.sid, sa.func.count(sa.distinct(acts.c.who)).label("n"))
        .join(statuses, statuses.c.id == acts.c.sid)
        .where(acts.c.who != statuses.c.account_id, *_eligible(statuses))
        .group_by(acts.c.sid)
        .having(sa.func.count(sa.distinct(acts.c.who)) >= MIN_ACCOUNTS)
    )
    scored = [(r.sid, r.n * _weight(r.sid, now, STATUS_HALF_LIFE_HOURS)) for r in rows]
    scored.sort(key=lambda t: (-t[1], -t[0]))
    return scored[:KEEP]


def _top(rows: Sequence[Any], now: datetime, half_life: float) -> list[tuple[int, float]]:
    """(target, score) of rows of (target, account, latest id), the strongest first."""
    score: dict[int, float] = defaultdict(float)
    people: dict[int, int] = defaultdict(int)
    for target, _account, last_id in rows:
        score[target] += _weight(last_id, now, half_life)
        people[target] += 1
    ranked = [(t, round(s, 6)) for t, s in score.items() if people[t] >= MIN_ACCOUNTS]
    ranked.sort(key=lambda t: (-t[1], -t[0]))
    return ranked[:KEEP]


async def tag_rows(db: Database, ids: list[int]) -> list[Any]:
    """The tags rows of `ids`, in that order."""
    if not ids:
        return []
    found = {r.id: r for r in await db.fetch_all(sa.select(tags).where(tags.c.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
