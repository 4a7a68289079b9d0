"""Reading hashtags for a viewer (whether they follow and feature each), the hashtags one
follows, and those an account features on its profile. Tags are public: no visibility
rule applies, but the counts of a featured tag take only public and unlisted posts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import msgspec
import sqlalchemy as sa

from roost.accounts.tables import accounts
from roost.db import Database
from roost.db.prepared import any_of
from roost.errors import NotFound
from roost.search.entities import Tag
from roost.search.queries import access_tag, render_tags, unused_tag, valid_tag_name
from roost.statuses.queries import newest_first, page
from roost.statuses.tables import status_tags, statuses, tags
from roost.tags.entities import FeaturedTag
from roost.tags.tables import featured_tags, followed_tags

MAX_FEATURED = 10  # per account, as Mastodon
SUGGESTIONS = 10
RECENT_STATUSES = 1000  # suggestions count the tags of one's latest posts (Mastodon's figure)

_FLAGS = sa.select(
    tags.c.id,
    sa.exists()
    .where(
        followed_tags.c.tag_id == tags.c.id,
        followed_tags.c.account_id == sa.bindparam("viewer", type_=sa.BigInteger),
    )
    .label("following"),
    sa.exists()
    .where(
        featured_tags.c.tag_id == tags.c.id,
        featured_tags.c.account_id == sa.bindparam("viewer", type_=sa.BigInteger),
    )
    .label("featuring"),
).where(any_of(tags.c.id, "ids"))


def check_tag_name(name: str) -> str:
    """`name` without a leading #, if it could be a hashtag; else NotFound (Mastodon's
    answer for /api/v1/tags/:name)."""
    name = name.strip().removeprefix("#")
    if not valid_tag_name(name):
        raise NotFound()
    return name


async def render_tags_for(
    db: Database, viewer_id: int | None, rows: Sequence[Any], base_url: str
) -> list[Tag]:
    """Tag entities of `rows` (tags table rows) with their week's history and, for a
    logged-in viewer, whether they follow and feature each (two queries in all)."""
    rendered = await render_tags(db, list(rows), base_url, logged_in=viewer_id is not None)
    if viewer_id is None or not rows:
        return rendered
    flags = {
        r.id: r
        for r in await db.fetch_all(_FLAGS, {"viewer": viewer_id, "ids": [r.id for r in rows]})
    }
    return [
        msgspec.structs.replace(
            tag,
            following=bool(flags[row.id].following) if row.id in flags else False,
            featuring=bool(flags[row.id].featuring) if row.id in flags else False,
        )
        for tag, row in zip(rendered, rows, strict=True)
    ]


async def access_tag_entity(db: Database, viewer_id: int | None, name: str, base_url: str) -> Tag:
    """The hashtag `name` as the viewer sees it; a valid name nobody used yet is answered
    with an empty history (as Mastodon does); an invalid one is NotFound."""
    name = check_tag_name(name)
    row = await access_tag(db, name)
    if row is None:
        return unused_tag(name, base_url, logged_in=viewer_id is not None)
    return (await render_tags_for(db, viewer_id, [row], base_url))[0]


async def followed_tags_page(
    db: Database,
    viewer_id: int,
    base_url: str,
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 100,
) -> tuple[list[Tag], list[int]]:
    """A page of the hashtags the viewer follows, most recently followed first: (tags, the
    follows' ids for the page's links)."""
    query = sa.select(tags, followed_tags.c.id.label("follow_id")).join(
        followed_tags, followed_tags.c.tag_id == tags.c.id
    )
    query = query.where(followed_tags.c.account_id == viewer_id)
    paged = page(query, followed_tags.c.id, max_id=max_id, since_id=since_id, min_id=min_id,
                 limit=limit)  # fmt: skip
    rows = list(await db.fetch_all(paged))
    order = newest_first([r.follow_id for r in rows], min_id)
    by_follow = {r.follow_id: r for r in rows}
    rows = [by_follow[i] for i in order]
    return await render_tags_for(db, viewer_id, rows, base_url), order


def _featured_statement() -> sa.Select[Any]:
    """An account's featured tags with the count and date of its public and unlisted
    posts carrying each (read off the (account_id, id) key of statuses)."""
    mine = sa.and_(
        statuses.c.account_id == featured_tags.c.account_id,
        status_tags.c.tag_id == featured_tags.c.tag_id,
        statuses.c.visibility.in_([sa.literal_column("'public'"), sa.literal_column("'unlisted'")]),
    )
    posts = statuses.join(status_tags, status_tags.c.status_id == statuses.c.id)

    def of_posts(column: Any) -> Any:
        return sa.select(column).select_from(posts).where(mine).scalar_subquery()

    count, last = of_posts(sa.func.count()), of_posts(sa.func.max(statuses.c.created_at))
    return (
        sa.select(
            featured_tags.c.id,
            featured_tags.c.tag_id,
            tags.c.name,
            tags.c.name_lower,
            accounts.c.username,
            count.label("statuses_count"),
            last.label("last_status_at"),
        )
        .join(tags, tags.c.id == featured_tags.c.tag_id)
        .join(accounts, accounts.c.id == featured_tags.c.account_id)
        .where(featured_tags.c.account_id == sa.bindparam("account", type_=sa.BigInteger))
    )


_FEATURED = _featured_statement()
_FEATURED_ONE = _FEATURED.where(featured_tags.c.tag_id == sa.bindparam("tag", type_=sa.BigInteger))


def _day(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value)[:10]  # SQLite's aggregate gives text


def _featured_entities(rows: Sequence[Any], base_url: str) -> list[FeaturedTag]:
    ordered = sorted(rows, key=lambda r: (-int(r.statuses_count or 0), r.name_lower))
    return [
        FeaturedTag(
            id=str(r.id),
            name=r.name,
            url=f"{base_url}/@{r.username}/tagged/{r.name_lower}",
            statuses_count=str(int(r.statuses_count or 0)),
            last_status_at=_day(r.last_status_at),
        )
        for r in ordered
    ]


async def featured_tags_of(db: Database, account_id: int, base_url: str) -> list[FeaturedTag]:
    """The hashtags an account features, most used first (one query)."""
    return _featured_entities(await db.fetch_all(_FEATURED, {"account": account_id}), base_url)


async def featured_tag(db: Database, account_id: int, tag_id: int, base_url: str) -> FeaturedTag:
    """The account's featured tag `tag_id` (the tag's id); NotFound if not featured."""
    rows = await db.fetch_all(_FEATURED_ONE, {"account": account_id, "tag": tag_id})
    if not rows:
        raise NotFound()
    return _featured_entities(rows, base_url)[0]


async def tag_suggestions(db: Database, account_id: int, base_url: str) -> list[Tag]:
    """The tags the account used most in its latest posts, not featured yet (Mastodon's
    /api/v1/featured_tags/suggestions)."""
    recent = (
        sa.select(statuses.c.id)
        .where(statuses.c.account_id == account_id)
        .order_by(statuses.c.id.desc())
        .limit(RECENT_STATUSES)
        .subquery()
    )
    featured = sa.select(featured_tags.c.tag_id).where(featured_tags.c.account_id == account_id)
    uses = sa.func.count().label("uses")
    used = (
        sa.select(status_tags.c.tag_id, uses)
        .where(status_tags.c.status_id.in_(sa.select(recent.c.id)))
        .where(status_tags.c.tag_id.notin_(featured))
        .group_by(status_tags.c.tag_id)
        .subquery()
    )
    rows = await db.fetch_all(
        sa.select(tags)
        .join(used, used.c.tag_id == tags.c.id)
        .order_by(used.c.uses.desc(), tags.c.name_lower)
        .limit(SUGGESTIONS)
    )
    return await render_tags_for(db, account_id, rows, base_url)
