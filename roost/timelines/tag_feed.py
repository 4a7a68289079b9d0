"""Followed hashtags in home feeds: which public posts reach a tag's followers, written
once for the fan-out job (`tag_recipients`), a rebuilt feed (`tag_entries_for`) and the
jobs that merge a newly followed tag's posts into a feed or take an unfollowed one's out.

Mastodon's rule (FanOutOnWriteService#deliver_to_hashtag_followers!, FeedManager
#filter_from_tags?): only public posts that are not boosts; never to their author, nor to
someone blocking or muting the author or an account the post mentions, nor to someone the
author blocks. The reply rule of the home feed does not apply. A follower of the author
who gets the post as a follower (or reads it merged at read time, the author being too
big to fan out) is left out here, so the feed's page never holds it twice.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from roost.accounts.tables import accounts, users
from roost.db import Database
from roost.db.dialect import nth_largest_of_groups
from roost.db.prepared import any_of
from roost.feeds import FEED_CAP
from roost.graph.tables import blocks, follows, mutes
from roost.jobs.context import JobContext
from roost.jobs.registry import job
from roost.statuses.queries import timeline_select
from roost.statuses.tables import mentions, status_tags, statuses
from roost.tags.tables import followed_tags
from roost.timelines.home_rule import belongs_in_home
from roost.timeutil import utcnow


def _excludes(owner: ColumnElement[Any], target: ColumnElement[Any], now: Any) -> Any:
    """SQL condition: `owner` blocks or (until `now`) mutes `target`."""
    b, m = blocks.alias(), mutes.alias()
    # Correlated explicitly: `owner` may come from two queries up (a mention's check), where
    # automatic correlation, which looks one query up, would add its table to the FROM.
    return sa.or_(
        sa.exists()
        .where(b.c.account_id == owner, b.c.target_account_id == target)
        .correlate_except(b),
        sa.exists()
        .where(
            m.c.account_id == owner,
            m.c.target_account_id == target,
            sa.or_(m.c.expires_at.is_(None), m.c.expires_at > now),
        )
        .correlate_except(m),
    )


def reaches_by_tag(owner: ColumnElement[Any], s: FromClause, now: Any) -> ColumnElement[bool]:
    """Whether post `s` (a statuses alias), carrying a tag `owner` follows, reaches
    `owner`'s home feed by that tag (Mastodon's filter_from_tags?, negated)."""
    author = s.c.account_id
    b = blocks.alias()
    mention = mentions.alias()
    a, f = accounts.alias(), follows.alias()
    # A limited (silenced) author reaches by tag only those who follow it (filter_from_tags?).
    limited = sa.exists().where(a.c.id == author, a.c.silenced_at.isnot(None)).correlate_except(a)
    follower = (
        sa.exists()
        .where(f.c.account_id == owner, f.c.target_account_id == author)
        .correlate_except(f)
    )
    return sa.and_(
        sa.or_(~limited, follower),
        s.c.visibility == sa.literal_column("'public'"),
        s.c.reblog_of_id.is_(None),
        author != owner,
        ~_excludes(owner, author, now),
        ~sa.exists().where(b.c.account_id == author, b.c.target_account_id == owner),
        ~sa.exists().where(
            mention.c.status_id == s.c.id, _excludes(owner, mention.c.account_id, now)
        ),
    )


def delivered_as_follower(
    owner: ColumnElement[Any], s: FromClause, threshold: int
) -> ColumnElement[bool]:
    """Whether `owner` gets post `s` as a follower of its author: fanned out to them, or,
    the author having more than `threshold` followers, merged into their home at read
    time. The threshold is a constant in the SQL (see `timelines.queries`)."""
    big = sa.exists().where(
        accounts.c.id == s.c.account_id,
        accounts.c.followers_count > sa.literal_column(str(int(threshold))),
    )
    return sa.and_(
        sa.exists().where(
            follows.c.account_id == owner, follows.c.target_account_id == s.c.account_id
        ),
        sa.or_(big, belongs_in_home(owner, s)),
    )


@functools.cache
def _recipients_statement(size: int, threshold: int) -> sa.Select[Any]:
    """A page of the followers of a post's tags who get it by a tag, by account id,
    built once. Parameters: status, last (the previous page's last account id), cutoff
    (inactive before it), now."""
    s = statuses.alias("s")
    status = sa.bindparam("status", type_=sa.BigInteger)
    owner = followed_tags.c.account_id
    tagged = sa.select(status_tags.c.tag_id).where(status_tags.c.status_id == status)
    return (
        sa.select(owner)
        .distinct()
        .select_from(
            followed_tags.join(users, users.c.account_id == owner).join(s, s.c.id == status)
        )
        .where(
            followed_tags.c.tag_id.in_(tagged),
            owner > sa.bindparam("last", type_=sa.BigInteger),
            users.c.last_active_at >= sa.bindparam("cutoff", type_=sa.DateTime),
            reaches_by_tag(owner, s, sa.bindparam("now", type_=sa.DateTime)),
            ~delivered_as_follower(owner, s, threshold),
        )
        .order_by(owner)
        .limit(size)
    )


async def tag_recipients(ctx: JobContext, status: Any) -> AsyncGenerator[list[int]]:
    """The accounts that get public `status` in their home feed because they follow one
    of its tags (and not as followers of its author), `fanout_batch` at a time. Accounts
    inactive for `inactive_days` are skipped, as in the followers' fan-out."""
    if status.visibility != "public" or status.reblog_of_id is not None:
        return
    settings = ctx.settings
    stmt = _recipients_statement(settings.fanout_batch, settings.fanout_threshold)
    now = utcnow()
    params = {"status": status.id, "now": now,
              "cutoff": now - timedelta(days=settings.inactive_days)}  # fmt: skip
    last = 0
    while True:
        batch = list(await ctx.db.scalars(stmt, {**params, "last": last}))
        if batch:
            yield batch
        if len(batch) < settings.fanout_batch:
            return
        last = batch[-1]


_FOLLOWED_TAGS = sa.select(followed_tags.c.tag_id).where(
    followed_tags.c.account_id == sa.bindparam("owner", type_=sa.BigInteger)
)


async def tag_entries_for(
    db: Database,
    owner_id: int,
    *,
    tag_ids: Sequence[int] | None = None,
    limit: int = FEED_CAP,
    fanout_threshold: int,
) -> list[tuple[int, int]]:
    """(status id, author id) of the posts the tags `owner_id` follows (or just `tag_ids`)
    would have brought into their feed, newest first: what `tag_recipients` pushes.
    Nothing (and one query) for someone who follows no tag."""
    if tag_ids is None:
        tag_ids = list(await db.scalars(_FOLLOWED_TAGS, {"owner": owner_id}))
    if not tag_ids:
        return []
    query, s, _ = timeline_select(owner_id)
    owner = sa.literal(owner_id, sa.BigInteger)
    tagged = sa.select(status_tags.c.status_id).where(status_tags.c.tag_id.in_(list(tag_ids)))
    query = query.where(
        s.c.id.in_(tagged),
        reaches_by_tag(owner, s, utcnow()),
        ~delivered_as_follower(owner, s, fanout_threshold),
    )
    ordered = query.add_columns(s.c.account_id).order_by(s.c.id.desc()).limit(limit)
    # Bounded below, as `rebuild.feed_entries_for` is: each tag's newest posts come off the
    # (tag_id, status_id) key, and the cutoff is the id below which there are enough.
    cutoff = await nth_largest_of_groups(
        db, status_tags.c.status_id, status_tags.c.tag_id, list(tag_ids), 2 * limit
    )
    if cutoff is not None:
        bound = s.c.id >= sa.literal_column(str(int(cutoff)))
        rows = await db.fetch_all(ordered.where(bound))
        if len(rows) >= limit:
            return [(r.id, r.account_id) for r in rows]
    rows = await db.fetch_all(ordered)
    return [(r.id, r.account_id) for r in rows]


_FOLLOWING_TAG = sa.select(followed_tags.c.id).where(
    followed_tags.c.account_id == sa.bindparam("owner", type_=sa.BigInteger),
    followed_tags.c.tag_id == sa.bindparam("tag", type_=sa.BigInteger),
)


@job("feed.merge_tag")
async def feed_merge_tag(ctx: JobContext, payload: dict[str, Any]) -> None:
    """After following a tag: its recent posts into the follower's feed (as a follow's
    `feed.merge` does for an account's)."""
    owner, tag_id = int(payload["owner"]), int(payload["tag"])
    if await ctx.db.scalar(_FOLLOWING_TAG, {"owner": owner, "tag": tag_id}) is None:
        return  # unfollowed since
    if await ctx.feeds.page(owner, limit=1) is None:
        return  # an absent feed: its rebuild will include them
    entries = await tag_entries_for(
        ctx.db, owner, tag_ids=[tag_id], limit=40, fanout_threshold=ctx.settings.fanout_threshold
    )
    if entries:
        await ctx.feeds.fill(owner, entries)


@functools.cache
def _unmerge_statement(threshold: int) -> sa.Select[Any]:
    """Of the feed's entries (`ids`), those that came by tag `tag` alone: not the owner's
    own, not delivered as a follower, and carrying no other tag the owner follows."""
    s = statuses.alias("s")
    owner = sa.bindparam("owner", type_=sa.BigInteger)
    tag = sa.bindparam("tag", type_=sa.BigInteger)
    st = status_tags.alias("st")
    other = (
        sa.select(st.c.status_id)
        .join(followed_tags, followed_tags.c.tag_id == st.c.tag_id)
        .where(st.c.status_id == s.c.id, followed_tags.c.account_id == owner, st.c.tag_id != tag)
    )
    return sa.select(s.c.id, s.c.account_id).where(
        any_of(s.c.id, "ids"),
        s.c.id.in_(sa.select(status_tags.c.status_id).where(status_tags.c.tag_id == tag)),
        s.c.account_id != owner,
        ~delivered_as_follower(owner, s, threshold),
        ~sa.exists(other),
    )


@job("feed.unmerge_tag")
async def feed_unmerge_tag(ctx: JobContext, payload: dict[str, Any]) -> None:
    """After unfollowing a tag: the posts it alone brought out of the owner's feed."""
    owner, tag_id = int(payload["owner"]), int(payload["tag"])
    if await ctx.db.scalar(_FOLLOWING_TAG, {"owner": owner, "tag": tag_id}) is not None:
        return  # followed again since
    ids = await ctx.feeds.page(owner, limit=FEED_CAP)
    if not ids:
        return
    stmt = _unmerge_statement(ctx.settings.fanout_threshold)
    rows = await ctx.db.fetch_all(stmt, {"ids": ids, "owner": owner, "tag": tag_id})
    if rows:
        await ctx.feeds.remove([owner], [(r.id, r.account_id) for r in rows])
