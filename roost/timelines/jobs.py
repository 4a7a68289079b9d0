"""Background jobs that keep home and list feeds and live streams in step with writes.

- `fan_out`: a new status (or boost) into its recipients' home feeds, in batches, with an
  `update` event to each, and into the feeds of the lists its author is in that want it
  (roost.lists.feed); public posts also go to the public and hashtag streams.
- `unfan_out`: a deleted status (and its boosts) out of those feeds, with `delete` events.
- `feed.merge` / `feed.unmerge`: a followed (unfollowed, blocked) account's posts into
  (out of) one feed; `feed.merge_tag` / `feed.unmerge_tag` (roost.timelines.tag_feed) a
  followed (unfollowed) hashtag's.
All are idempotent: running one twice leaves the same feeds (a killed worker's job re-runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncGenerator, Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from roost.accounts.tables import accounts, users
from roost.graph.tables import follows
from roost.jobs.context import JobContext
from roost.jobs.registry import batch_job, job
from roost.lists.feed import list_targets
from roost.lists.queries import list_channel, lists_with_members
from roost.notifications.actions import notify
from roost.pubsub import Event, encode_event
from roost.statuses.quotes import notify_quoters
from roost.statuses.tables import mentions, status_tags, statuses, tags
from roost.timelines.home_rule import belongs_in_home
from roost.timelines.rebuild import feed_entries_for
from roost.timelines.tag_feed import tag_recipients
from roost.timeutil import utcnow

log = logging.getLogger(__name__)


def _update(status_id: int) -> bytes:
    return encode_event(Event(event="update", id=str(status_id)))


async def _recipients(
    ctx: JobContext, status: Any, original: Any | None
) -> AsyncGenerator[list[int]]:
    """Followers who should get `status` in their home feed, in batches of `fanout_batch`.

    Mastodon's home rules (`home_rule.belongs_in_home`, which a rebuilt feed follows too).
    Accounts inactive for `inactive_days` are skipped (their feed is rebuilt when they
    return). Reading the next batch overlaps the caller's work on this one.
    """
    stmt = _recipients_statement(ctx.settings.fanout_batch)
    params = {
        "author": status.account_id,
        "status": status.id,
        "cutoff": utcnow() - timedelta(days=ctx.settings.inactive_days),
    }

    async def fetch(last: int) -> Sequence[Any]:
        return await ctx.db.fetch_all(stmt, {**params, "last": last})

    size = ctx.settings.fanout_batch
    pending: asyncio.Future[Sequence[Any]] | None = asyncio.ensure_future(fetch(0))
    try:
        while pending is not None:
            rows = await pending
            # A short page is the last one: nothing to read ahead.
            pending = asyncio.ensure_future(fetch(rows[-1].id)) if len(rows) == size else None
            batch = [r.account_id for r in rows if r.wanted]
            if batch:
                yield batch
    finally:
        if pending is not None and not pending.done():  # the caller stopped early (failed)
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pending


@functools.cache
def _recipients_statement(size: int) -> sa.Select[Any]:
    """A page of the author's followers, each with whether they get the status, built
    once (a statement built per job was compiled per job too: 1.3 of its 1.6 ms,
    measured). Parameters: author, status, last (the previous page's last follows.id),
    cutoff (inactive before it)."""
    f = follows.alias("f")
    # The page is a range of the (target_account_id, id) index with a LIMIT, in a subquery
    # so the planner cannot join `users` first: with stale statistics PostgreSQL did, and
    # sorted all 100k followers for every page of 1,000 (~100 ms a page).
    page = (
        sa.select(f.c.id, f.c.account_id, f.c.show_reblogs)
        .where(
            f.c.target_account_id == sa.bindparam("author", type_=sa.BigInteger),
            f.c.id > sa.bindparam("last", type_=sa.BigInteger),
        )
        .order_by(f.c.id)
        .limit(size)
        .subquery("page")
    )
    follower = page.c.account_id
    s = statuses.alias("s")
    wanted = sa.and_(
        # No users row (a remote follower) or an old last_active_at: NULL or false, skipped.
        users.c.last_active_at >= sa.bindparam("cutoff", type_=sa.DateTime),
        belongs_in_home(follower, s, shows_boosts=page.c.show_reblogs.is_(True)),
    )
    # Every row of the page comes back, wanted or not: the last one's id is where the next
    # page starts, even when none of this page is wanted.
    return (
        sa.select(page.c.id, follower, wanted.label("wanted"))
        .select_from(
            page.outerjoin(users, users.c.account_id == follower).join(
                s, s.c.id == sa.bindparam("status", type_=sa.BigInteger)
            )
        )
        .order_by(page.c.id)
    )


# The fan-out job's statements, built once (each job runs them).
_STATUS = (
    sa.select(statuses, accounts.c.followers_count.label("author_followers"))
    .join(accounts, accounts.c.id == statuses.c.account_id)
    .where(statuses.c.id == sa.bindparam("id", type_=sa.BigInteger))
)
_ORIGINAL = sa.select(statuses).where(statuses.c.id == sa.bindparam("id", type_=sa.BigInteger))
_TAG_NAMES = (
    sa.select(tags.c.name_lower)
    .join(status_tags, status_tags.c.tag_id == tags.c.id)
    .where(status_tags.c.status_id == sa.bindparam("id", type_=sa.BigInteger))
)
_LIMITED = sa.select(accounts.c.id).where(
    accounts.c.id == sa.bindparam("id", type_=sa.BigInteger), accounts.c.silenced_at.isnot(None)
)


@job("fan_out")
async def fan_out(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Put a new status into its author's and recipients' home feeds; tell live streams."""
    await fan_out_many(ctx, [payload])


@batch_job("fan_out")
async def fan_out_many(ctx: JobContext, payloads: list[dict[str, Any]]) -> None:
    """`fan_out` for several statuses: each reaches the feeds it would alone, but the
    feeds are written in one transaction (`FeedStore.push_many`). Consecutive posts mostly
    reach the same feeds, whose pages are then written (and on SQLite committed) once.
    A big account's batches of `fanout_batch` followers are pushed as they come."""
    pushes: list[tuple[list[int], int, int]] = []
    events: list[tuple[str, bytes]] = []
    public: list[tuple[Any, Any, bytes]] = []
    listed: dict[int, tuple[Any, bytes]] = {}  # status id: (status, event), for lists
    for payload in payloads:
        status_id = int(payload["status_id"])
        status = await ctx.db.fetch_one(_STATUS, {"id": status_id})
        if status is None:
            continue  # deleted before the job ran
        original = None
        if status.reblog_of_id is not None:
            original = await ctx.db.fetch_one(_ORIGINAL, {"id": status.reblog_of_id})
            if original is None:
                continue
        author_id = status.account_id
        message = _update(status_id)
        owners = [author_id]  # the author's own feed rides with the first batch
        sources = [tag_recipients(ctx, status)]  # followers of its tags who get it so
        if int(status.author_followers or 0) <= ctx.settings.fanout_threshold:
            sources.insert(0, _recipients(ctx, status, original))
        for source in sources:
            async with contextlib.aclosing(source) as batches:
                async for batch in batches:
                    owners += batch
                    if len(owners) >= ctx.settings.fanout_batch:
                        await ctx.feeds.push(owners, status_id, author_id)
                        await ctx.pubsub.publish_many([(f"timeline:{o}", message) for o in owners])
                        owners = []
        if owners:
            pushes.append((owners, status_id, author_id))
            events += [(f"timeline:{o}", message) for o in owners]
        listed[status_id] = (status, message)
        public.append((status, original, message))
    # The lists the authors are in: the feeds of those that want each post, and the live
    # streams of all of them but for direct posts. One query for the batch.
    to_lists: dict[int, list[int]] = {}
    cutoff = utcnow() - timedelta(days=ctx.settings.inactive_days)
    for row in await list_targets(ctx.db, list(listed), cutoff):
        status, message = listed[row.status_id]
        if row.wanted:
            to_lists.setdefault(row.status_id, []).append(row.list_id)
        if status.visibility != "direct":
            events.append((list_channel(row.list_id), message))
    list_pushes = [(ids, sid, listed[sid][0].account_id) for sid, ids in to_lists.items()]
    # Side by side: on Redis the two round trips overlap (SQLite writes one after the other).
    await asyncio.gather(ctx.feeds.push_many(pushes), ctx.list_feeds.push_many(list_pushes))
    if events:
        await ctx.pubsub.publish_many(events)
    for status, original, message in public:
        await _publish_public(ctx, status, original, message)


async def _publish_public(
    ctx: JobContext, status: Any, original: Any | None, message: bytes
) -> None:
    # Direct posts reach the `direct` streams as `conversation` events, sent with the post
    # (roost.conversations.actions.record_direct).
    if status.visibility != "public" or original is not None:
        return
    if await ctx.db.scalar(_LIMITED, {"id": status.account_id}):
        return  # limited by a moderator: no public stream (Mastodon's `broadcastable?`)
    names = await ctx.db.scalars(_TAG_NAMES, {"id": status.id})
    channels = ["timeline:public", "timeline:public:local"]
    for name in names:
        channels += [f"timeline:hashtag:{name}", f"timeline:hashtag:{name}:local"]
    await ctx.pubsub.publish_many([(c, message) for c in channels])


@job("status_updated")
async def status_updated(ctx: JobContext, payload: dict[str, Any]) -> None:
    """After an edit: a `status.update` event wherever the status was delivered live (its
    author's and followers' streams, public, hashtag and direct ones), an `update`
    notification to those who reposted it and a `quoted_update` one to those who quote it."""
    status_id = int(payload["status_id"])
    status = await ctx.db.fetch_one(_STATUS, {"id": status_id})
    if status is None or status.reblog_of_id is not None:
        return  # deleted before the job ran
    message = encode_event(Event(event="status.update", id=str(status_id)))
    author_id = status.account_id
    if status.visibility != "direct":
        await ctx.pubsub.publish_many([(f"timeline:{author_id}", message)])
        async for batch in _followers_of(ctx, [author_id]):
            await ctx.pubsub.publish_many([(f"timeline:{o}", message) for o in batch])
        async for batch in tag_recipients(ctx, status):  # who got it by a followed tag
            await ctx.pubsub.publish_many([(f"timeline:{o}", message) for o in batch])
    else:  # a direct post: its participants' own streams
        mentioned = await ctx.db.scalars(
            sa.select(mentions.c.account_id).where(mentions.c.status_id == status_id)
        )
        await ctx.pubsub.publish_many([(f"timeline:{a}", message) for a in {author_id, *mentioned}])
    await _publish_public(ctx, status, None, message)
    rebloggers = await ctx.db.scalars(
        sa.select(statuses.c.account_id).where(statuses.c.reblog_of_id == status_id).distinct()
    )
    async with ctx.db.transaction() as tx:
        for account_id in rebloggers:
            await notify(
                tx, account_id=account_id, from_account_id=author_id, type="update",
                status_id=status_id,
            )  # fmt: skip
        await notify_quoters(tx, status_id, author_id)


@job("unfan_out")
async def unfan_out(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Take deleted statuses (`entries`: [status_id, author_id] pairs) out of the feeds of
    their authors' followers, and send `delete` events."""
    entries: list[tuple[int, int]] = [(int(s), int(a)) for s, a in payload["entries"]]
    authors = sorted({a for _, a in entries})
    messages = [encode_event(Event(event="delete", id=str(s))) for s, _ in entries]
    owners_seen: list[int] = list(authors)
    await ctx.feeds.remove(authors, entries)
    async for batch in _followers_of(ctx, authors):
        await ctx.feeds.remove(batch, entries)
        owners_seen += batch
    in_lists = await lists_with_members(ctx.db, authors)
    await ctx.list_feeds.remove(sorted({i for ids in in_lists.values() for i in ids}), entries)
    channels = [f"timeline:{o}" for o in dict.fromkeys(owners_seen)]
    if payload.get("public"):
        channels += ["timeline:public", "timeline:public:local"]
    await ctx.pubsub.publish_many([(c, m) for c in channels for m in messages])


async def _followers_of(ctx: JobContext, authors: list[int]) -> AsyncGenerator[list[int]]:
    """The followers of `authors`, `fanout_batch` at a time (by follow id)."""
    last = 0
    while True:
        rows = await ctx.db.fetch_all(
            sa.select(follows.c.id, follows.c.account_id)
            .where(follows.c.target_account_id.in_(authors), follows.c.id > last)
            .order_by(follows.c.id)
            .limit(ctx.settings.fanout_batch)
        )
        if not rows:
            return
        yield [r.account_id for r in rows]
        last = rows[-1].id


@job("feed.merge")
async def feed_merge(ctx: JobContext, payload: dict[str, Any]) -> None:
    """After a follow: the followed account's recent posts into the follower's feed
    (with `replace`, first out of it: boosts were switched on or off)."""
    owner, author = int(payload["owner"]), int(payload["author"])
    if payload.get("replace"):
        await ctx.feeds.remove_author(owner, author)
    following = await ctx.db.scalar(
        sa.select(follows.c.id).where(
            follows.c.account_id == owner, follows.c.target_account_id == author
        )
    )
    if following is None or await ctx.feeds.page(owner, limit=1) is None:
        # Not (or no longer) following; or an absent feed, whose rebuild will include it.
        return
    entries = await feed_entries_for(
        ctx.db, owner, authors=[author], limit=40, reblogs=bool(payload.get("reblogs", True))
    )
    if entries:
        await ctx.feeds.fill(owner, entries)


@job("feed.unmerge")
async def feed_unmerge(ctx: JobContext, payload: dict[str, Any]) -> None:
    """After an unfollow or block: the account's entries out of the owner's feed."""
    await ctx.feeds.remove_author(int(payload["owner"]), int(payload["author"]))


def entries_of(rows: Sequence[Any]) -> list[list[int]]:
    return [[int(r.id), int(r.account_id)] for r in rows]
