"""The conditions full-text search puts on a post: what may be found at all, and what
each of Mastodon's operators asks for.

What may be found follows Mastodon 4.2+: a public post of an account that lets search
engines index it (`indexable`, which Roost turns on for new accounts), and any post the
viewer may open that they wrote, are mentioned in, favourited or bookmarked. Blocks,
mutes and suspensions hold as in timelines (the same visibility condition, applied after).

The conditions are parts of statements built once per shape (roost.search.fulltext_queries):
the viewer is the bind parameter `viewer`, and an operator's value that does not change the
statement's shape (a username, a language, a date) the bind parameter its `Filter` names.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.sql import FromClause

from roost.accounts.tables import accounts
from roost.media.tables import media_attachments
from roost.statuses.queries import unlimited_author
from roost.statuses.tables import bookmarks, favourites, mentions

VIEWER = sa.bindparam("viewer", type_=sa.BigInteger)


class Filter(NamedTuple):
    """One operator as a statement's shape sees it: its name, its value when that decides
    the condition's form (None when the value is a bind parameter), and negation."""

    name: str
    value: str | None
    negated: bool


def filter_shape(index: int, name: str, value: str, negated: bool) -> tuple[Filter, dict[str, Any]]:
    """The shape of the `index`-th operator and the bind parameters it takes."""
    key = f"f{index}"
    if name == "from" and value != "me":
        return Filter(name, None, negated), {key: value}
    if name == "language":
        return Filter(name, None, negated), {key: value}
    if name in ("before", "after", "during"):
        d = date.fromisoformat(value)
        day = datetime(d.year, d.month, d.day)
        if name == "after":
            return Filter(name, None, negated), {key: day + timedelta(days=1)}
        return Filter(name, None, negated), {key: day, f"{key}e": day + timedelta(days=1)}
    return Filter(name, value, negated), {}


def findable(s: FromClause, anonymous: bool) -> sa.ColumnElement[bool]:
    """Mastodon's rule for what search may find (see the module's docstring)."""
    # The author's row is read by its key for each candidate, as a scalar subquery: as an
    # EXISTS beside the viewer's library (an OR), PostgreSQL made it a hashed subplan,
    # reading every indexable account for each search (37 ms at 111k accounts, measured).
    author_ok = (
        sa.select(
            sa.and_(  # a limited author: their followers only
                accounts.c.indexable.is_(True),
                unlimited_author(accounts, None if anonymous else VIEWER),
            )
        )
        .where(accounts.c.id == s.c.account_id)
        .scalar_subquery()
    )
    indexable = sa.and_(s.c.visibility == "public", author_ok.is_(True))
    if anonymous:
        return indexable
    return sa.or_(indexable, *_in_library(s))


def _in_library(s: FromClause) -> list[sa.ColumnElement[bool]]:
    """The viewer's own posts and those they are mentioned in, favourited or bookmarked."""
    return [
        s.c.account_id == VIEWER,
        sa.exists().where(mentions.c.status_id == s.c.id, mentions.c.account_id == VIEWER),
        sa.exists().where(favourites.c.status_id == s.c.id, favourites.c.account_id == VIEWER),
        sa.exists().where(bookmarks.c.status_id == s.c.id, bookmarks.c.account_id == VIEWER),
    ]


def operator(s: FromClause, anonymous: bool, index: int, f: Filter) -> sa.ColumnElement[bool]:
    """The condition the `index`-th operator, of shape `f`, puts on the post `s`."""
    found = _operator(s, anonymous, f"f{index}", f.name, f.value)
    return ~found if f.negated else found


def _operator(
    s: FromClause, anonymous: bool, key: str, name: str, value: str | None
) -> sa.ColumnElement[bool]:
    created = s.c.created_at
    if name == "from":
        if value == "me":
            return sa.false() if anonymous else s.c.account_id == VIEWER
        return sa.exists().where(
            accounts.c.id == s.c.account_id,
            accounts.c.username_lower == sa.bindparam(key, type_=sa.String),
        )
    if name == "language":
        return s.c.language == sa.bindparam(key, type_=sa.String)
    if name in ("before", "after", "during"):
        start = sa.bindparam(key, type_=created.type)
        if name == "before":
            return created < start
        if name == "after":
            return created >= start
        return sa.and_(created >= start, created < sa.bindparam(f"{key}e", type_=created.type))
    if name == "has":
        if value == "poll":
            return s.c.poll_id.is_not(None)
        if value == "link":
            return sa.or_(s.c.text.contains("http://"), s.c.text.contains("https://"))
        if value == "media":
            return s.c.media_count > 0
        if value in ("image", "video", "audio"):
            kinds = ("image", "gifv") if value == "image" else (value,)
            kind = sa.or_(*(media_attachments.c.type == k for k in kinds))
            return sa.exists().where(media_attachments.c.status_id == s.c.id, kind)
        return sa.false()  # has:embed: no link previews yet
    if name == "is":
        return s.c.in_reply_to_id.is_not(None) if value == "reply" else s.c.sensitive.is_(True)
    if value == "library":  # in:
        return sa.false() if anonymous else sa.or_(*_in_library(s))
    if value == "public":
        return s.c.visibility == "public"
    return sa.true()  # in:all
