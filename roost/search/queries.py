"""Search: accounts by username or display name, hashtags by name, and our own URLs.

Matching is by prefix in SQL (LIKE). Full-text search of statuses (SQLite FTS5 /
PostgreSQL tsvector, per DESIGN.md) is a later issue; until then status search only
resolves the URL of one of our own statuses.
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from roost.accounts.queries import account_shown, local_username
from roost.accounts.tables import accounts
from roost.db import Database
from roost.graph.tables import blocks, follows
from roost.search.entities import Tag, TagHistory
from roost.statuses.tables import status_tags, statuses, tags
from roost.timeutil import utcnow

HISTORY_DAYS = 7
# Mastodon's HASHTAG_NAME_RE: word characters (and · or ZWNJ), not only digits.
TAG_NAME_RE = re.compile(r"^[\w·\u200c]*[^\W\d][\w·\u200c]*$")
_STATUS_PATHS = (
    re.compile(r"^/@(\w+)/(\d{1,19})$"),
    re.compile(r"^/users/(\w+)/statuses/(\d{1,19})$"),
)
_ACCOUNT_PATHS = (re.compile(r"^/@(\w+)$"), re.compile(r"^/users/(\w+)$"))


async def search_accounts(
    db: Database,
    viewer_id: int | None,
    q: str,
    *,
    domain: str,
    limit: int,
    offset: int = 0,
    following: bool = False,
) -> list[int]:
    """Ids of accounts whose username or a word of whose display name starts with `q`:
    an exact username first, then accounts the viewer follows, then the most followed;
    then, when those do not fill the page, near misses (a typo in `q`).
    Accounts that opted out of discovery appear only on an exact username match or when
    followed; accounts blocked either way never do."""
    name = local_username(q, domain)
    if name is None or (following and viewer_id is None):
        return []
    term = name.strip().lower()
    if not term:
        return []
    exact = accounts.c.username_lower == term
    display = sa.func.lower(accounts.c.display_name)
    cond: list[sa.ColumnElement[bool]] = [
        account_shown(),
        sa.or_(
            accounts.c.username_lower.startswith(term, autoescape=True),
            display.startswith(term, autoescape=True),
            display.contains(" " + term, autoescape=True),
        ),
    ]
    order: list[Any] = [sa.case((exact, 0), else_=1)]
    if viewer_id is None:
        cond.append(sa.or_(exact, accounts.c.discoverable.is_(True)))
    else:
        followed = sa.exists().where(
            follows.c.account_id == viewer_id, follows.c.target_account_id == accounts.c.id
        )
        blocked = sa.exists().where(
            sa.or_(
                sa.and_(
                    blocks.c.account_id == viewer_id, blocks.c.target_account_id == accounts.c.id
                ),
                sa.and_(
                    blocks.c.account_id == accounts.c.id, blocks.c.target_account_id == viewer_id
                ),
            )
        )
        cond.append(~blocked)
        cond.append(
            followed
            if following
            else sa.or_(
                exact, accounts.c.discoverable.is_(True), followed, accounts.c.id == viewer_id
            )
        )
        order.append(sa.case((followed, 0), else_=1))
    order += [accounts.c.followers_count.desc(), accounts.c.id]
    found: list[int] = await db.scalars(
        sa.select(accounts.c.id).where(*cond).order_by(*order).limit(limit).offset(offset)
    )
    if len(found) < limit and offset == 0 and len(term) >= FUZZY_MIN:
        # cond[2:]: who may be found (cond[0] and cond[1] are "shown" and the prefix match).
        found += await _near_misses(db, term, cond[2:], order, limit - len(found), set(found))
    return found


FUZZY_MIN = 3  # shorter names are matched by prefix only
FUZZY_RATIO = 0.8  # about one typo in five letters (and not a shorter name: "ann" for "annex")
FUZZY_CANDIDATES = 2000


async def _near_misses(
    db: Database, term: str, cond: list[sa.ColumnElement[bool]], order: list[Any], limit: int,
    seen: set[int],
) -> list[int]:  # fmt: skip
    """Accounts whose username or a word of whose display name is close to `term` (a typo
    past its first letter): among the first FUZZY_CANDIDATES sharing that letter, the
    closest first."""
    display = sa.func.lower(accounts.c.display_name)
    rows = await db.fetch_all(
        sa.select(accounts.c.id, accounts.c.username_lower, display.label("display"))
        .where(
            account_shown(),
            sa.or_(
                accounts.c.username_lower.startswith(term[0], autoescape=True),
                display.startswith(term[0], autoescape=True),
                display.contains(" " + term[0], autoescape=True),
            ),
            *cond,
        )
        .order_by(*order)
        .limit(FUZZY_CANDIDATES)
    )
    scored: list[tuple[float, int, int]] = []
    for r in rows:
        if r.id in seen:
            continue
        words = [r.username_lower, *str(r.display).split()]
        best = max(difflib.SequenceMatcher(None, term, w[: len(term) + 2]).ratio() for w in words)
        if best >= FUZZY_RATIO:
            scored.append((-best, len(scored), r.id))
    return [account_id for _, _, account_id in sorted(scored)[:limit]]


async def search_tags(db: Database, q: str, *, limit: int, offset: int = 0) -> list[Any]:
    """Tag rows whose name starts with `q` (a leading # is fine): an exact match first,
    then shorter names first."""
    term = q.strip().removeprefix("#").lower()
    if not term:
        return []
    return list(
        await db.fetch_all(
            sa.select(tags)
            .where(tags.c.name_lower.startswith(term, autoescape=True))
            .order_by(
                sa.case((tags.c.name_lower == term, 0), else_=1),
                sa.func.length(tags.c.name_lower),
                tags.c.name_lower,
            )
            .limit(limit)
            .offset(offset)
        )
    )


def valid_tag_name(name: str) -> bool:
    """Could `name` be a hashtag (Mastodon's rule)?"""
    return len(name) <= 200 and TAG_NAME_RE.match(name) is not None


async def access_tag(db: Database, name: str) -> Any | None:
    """The tag row for `name` (any case); None if it was never used."""
    return await db.fetch_one(sa.select(tags).where(tags.c.name_lower == name.lower()))


async def render_tags(
    db: Database, rows: list[Any], base_url: str, *, logged_in: bool
) -> list[Tag]:
    """Tag entities with their daily use over the last week (one grouped query). Uses are
    public and unlisted posts, as Mastodon's trends count them."""
    if not rows:
        return []
    today = utcnow().date()
    start = today - timedelta(days=HISTORY_DAYS - 1)
    day = sa.func.date(statuses.c.created_at)
    usage = await db.fetch_all(
        sa.select(
            status_tags.c.tag_id,
            day.label("day"),
            sa.func.count().label("uses"),
            sa.func.count(sa.distinct(statuses.c.account_id)).label("accounts"),
        )
        .select_from(status_tags.join(statuses, statuses.c.id == status_tags.c.status_id))
        .where(
            status_tags.c.tag_id.in_([r.id for r in rows]),
            statuses.c.created_at >= datetime(start.year, start.month, start.day),
            statuses.c.visibility.in_(("public", "unlisted")),
        )
        .group_by(status_tags.c.tag_id, day)
    )
    # SQLite's date() gives text, PostgreSQL's a date.
    counts = {(u.tag_id, date.fromisoformat(str(u.day)[:10])): u for u in usage}
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS)]
    return [
        Tag(
            id=str(row.id),
            name=row.name,
            url=f"{base_url}/tags/{row.name_lower}",
            history=[_history(d, counts.get((row.id, d))) for d in days],
            following=False if logged_in else None,
            featuring=False if logged_in else None,
        )
        for row in rows
    ]


def unused_tag(name: str, base_url: str, *, logged_in: bool) -> Tag:
    """A valid tag nobody has used yet (Mastodon answers it rather than 404)."""
    return Tag(
        id="",
        name=name,
        url=f"{base_url}/tags/{name.lower()}",
        history=[],
        following=False if logged_in else None,
        featuring=False if logged_in else None,
    )


def _history(day: date, row: Any | None) -> TagHistory:
    midnight = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    return TagHistory(
        day=str(midnight),
        uses=str(row.uses if row else 0),
        accounts=str(row.accounts if row else 0),
    )


def local_url(q: str, base_url: str) -> tuple[str, int | None] | None:
    """(username, status id or None) if `q` is the URL of one of our statuses or profiles."""
    text = q.strip()
    if not text.lower().startswith(base_url.lower() + "/"):
        return None
    path = text[len(base_url) :].rstrip("/").split("?", 1)[0].split("#", 1)[0]
    for pattern in _STATUS_PATHS:
        m = pattern.match(path)
        if m:
            return m[1], int(m[2])
    for pattern in _ACCOUNT_PATHS:
        m = pattern.match(path)
        if m:
            return m[1], None
    return None
