"""Writes the synthetic network into a Roost database through the domain layer's tables.

Bulk rows go through the db seam (`Database.transaction()` + `tx.execute(table.insert(),
rows)`) into the same tables (roost/*/tables.py) the actions write, with the same derived
data the actions would write (rendered HTML, mentions, tags, counters). Small, shaped data
(the thread, tokens, warm feeds) goes through the actions and FeedStore themselves:
`do_post_status`, `issue_token`, `feed_entries_for` + `FeedStore.fill`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench.gen import (
    BASE_URL,
    TAGS,
    Chunk,
    Network,
    account_id,
    follow_id,
    post_id,
    post_time,
    tag_id,
)
from roost.accounts.tables import accounts, users
from roost.db import Database
from roost.feeds import FeedStore
from roost.feeds.sql import SqlFeedStore
from roost.feeds.tables import home_feed, home_feed_marks
from roost.graph.tables import follows
from roost.oauth.actions import issue_token
from roost.statuses.posting import NewStatus, do_post_status
from roost.statuses.tables import favourites, mentions, status_tags, statuses, tags
from roost.timelines.rebuild import feed_entries_for
from roost.timeutil import utcnow

BATCH = 5000  # rows per executemany
PASSWORD = "bench-password"  # every seeded account's; hashed once
FAN_FOLLOW_BASE = 50_000_000  # follow ids of the fan-out followers start here


async def insert(db: Database, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """executemany in batches, one transaction per batch."""
    for start in range(0, len(rows), BATCH):
        async with db.transaction() as tx:
            await tx.execute(table.insert(), rows[start : start + BATCH])


def _account_rows(
    ids: Sequence[int], names: Sequence[str], followers: Sequence[int], following: Sequence[int]
) -> list[dict[str, Any]]:
    created = datetime(2024, 1, 1)
    return [
        {
            "id": i,
            "username": n,
            "username_lower": n.lower(),
            "display_name": n.replace("_", " ").title(),
            "note": "",
            "note_html": "",
            "fields": [],
            "avatar": None,
            "header": None,
            "locked": False,
            "bot": False,
            "discoverable": True,
            "indexable": True,  # as Roost makes new accounts: their public posts are searchable
            "hide_collections": False,
            "statuses_count": 0,
            "followers_count": fr,
            "following_count": fg,
            "created_at": created,
            "last_status_at": None,
            "suspended_at": None,
        }
        for i, n, fr, fg in zip(ids, names, followers, following, strict=True)
    ]


def _user_rows(
    ids: Sequence[int], names: Sequence[str], password_hash: str, last_active: Sequence[datetime]
) -> list[dict[str, Any]]:
    created = datetime(2024, 1, 1)
    return [
        {
            "account_id": i,
            "email": f"{n}@bench.invalid",
            "email_lower": f"{n.lower()}@bench.invalid",
            "password_hash": password_hash,
            "admin": False,
            "approved": True,
            "locale": "en",
            "reason": None,
            "default_visibility": "public",
            "default_sensitive": False,
            "default_language": None,
            "expand_media": "default",
            "expand_spoilers": False,
            "created_at": created,
            "last_active_at": a,
        }
        for i, n, a in zip(ids, names, last_active, strict=True)
    ]


async def seed_network(db: Database, net: Network, password_hash: str, progress: Any) -> None:
    """Accounts, users, follows and the hashtag rows of the network."""
    now = utcnow()
    n = net.size
    ids = [account_id(i) for i in range(n)]
    following = [len(f) for f in net.following]
    active = [now - timedelta(days=60 if net.inactive[i] else 1) for i in range(n)]
    task = progress.add_task("accounts", total=2 * n)
    for start in range(0, n, BATCH):
        end = min(n, start + BATCH)
        account_rows = _account_rows(
            ids[start:end], net.usernames[start:end], net.followers[start:end], following[start:end]
        )
        await insert(db, accounts, account_rows)
        await insert(
            db,
            users,
            _user_rows(ids[start:end], net.usernames[start:end], password_hash, active[start:end]),
        )
        progress.advance(task, 2 * (end - start))
    total = sum(following)
    task = progress.add_task("follows", total=total)
    created = datetime(2024, 6, 1)
    rows: list[dict[str, Any]] = []
    edge = 0
    for u, targets in enumerate(net.following):
        for t in targets:
            rows.append(
                {
                    "id": follow_id(edge),
                    "account_id": ids[u],
                    "target_account_id": ids[t],
                    "created_at": created,
                    "show_reblogs": True,
                    "notify": False,
                }
            )
            edge += 1
        if len(rows) >= BATCH * 4:
            await insert(db, follows, rows)
            progress.advance(task, len(rows))
            rows = []
    if rows:
        await insert(db, follows, rows)
        progress.advance(task, len(rows))
    await insert(
        db,
        tags,
        [
            {"id": tag_id(t), "name": name, "name_lower": name, "created_at": created}
            for t, name in enumerate(TAGS)
        ],
    )


async def seed_chunk(db: Database, chunk: Chunk, counts: dict[int, tuple[int, int]]) -> int:
    """One chunk of posts with their mentions, tags and favourites, in one transaction."""
    rows = []
    for r in chunk.statuses:
        row = dict(r)
        row["created_at"] = post_time(int(r["created_at"]))  # type: ignore[call-overload]
        row.update(spoiler_text="", sensitive=False, language="en", app_id=None, edited_at=None)
        rows.append(row)
    mention_rows = [
        {"status_id": post_id(i), "account_id": account_id(u)} for i, u in chunk.mentions
    ]
    tag_rows = [{"tag_id": tag_id(t), "status_id": post_id(i)} for i, t in chunk.tags]
    fav_rows = [
        {
            "id": post_id(i) + 1 + j,
            "account_id": account_id(u),
            "status_id": post_id(i),
            "created_at": post_time(i) + timedelta(minutes=5),
        }
        for j, (i, u) in enumerate(chunk.favourites)
    ]
    async with db.transaction() as tx:
        for table, batch in (
            (statuses, rows),
            (mentions, mention_rows),
            (status_tags, tag_rows),
            (favourites, fav_rows),
        ):
            for start in range(0, len(batch), BATCH):
                await tx.execute(table.insert(), batch[start : start + BATCH])
    for author, (n, last) in chunk.authors.items():
        have = counts.get(author, (0, 0))
        counts[author] = (have[0] + n, max(have[1], last))
    return len(rows)


async def update_post_counts(db: Database, counts: dict[int, tuple[int, int]]) -> None:
    """statuses_count and last_status_at, as do_post_status keeps them."""
    stmt = (
        accounts.update()
        .where(accounts.c.id == sa.bindparam("b_id"))
        .values(statuses_count=sa.bindparam("b_n"), last_status_at=sa.bindparam("b_last"))
    )
    rows = [
        {"b_id": account_id(a), "b_n": n, "b_last": post_time(last)}
        for a, (n, last) in counts.items()
    ]
    for start in range(0, len(rows), BATCH):
        async with db.transaction() as tx:
            await tx.execute(stmt, rows[start : start + BATCH])


@dataclass
class FanTier:
    followers: int
    account_id: int
    username: str
    last_follower: int  # the follower fan-out reaches last (highest follows.id)
    feed_depth: int  # entries in each follower's feed before the post


@dataclass(frozen=True)
class FanGroup:
    """Where a group of fan-out tiers lives: account indexes after the network's, a follow
    id range, and a name prefix, so several groups can coexist."""

    first_index: int
    follow_base: int
    prefix: str


async def seed_fans(
    db: Database,
    feeds: FeedStore,
    net: Network,
    tiers: Sequence[int],
    feed_entries: Sequence[tuple[int, int]],
    password_hash: str,
    progress: Any,
    group: FanGroup,
) -> list[FanTier]:
    """One account per tier with that many followers: max(tiers) active follower accounts
    (follower j follows every tier above j), each with a present home feed of
    `feed_entries`, so fan-out writes into real feeds."""
    base = group.first_index + 16
    fan_n = max(tiers)
    ids = [account_id(base + j) for j in range(fan_n)]
    names = [f"{group.prefix}fan{j}" for j in range(fan_n)]
    tier_ids = [account_id(group.first_index + t) for t in range(len(tiers))]
    tier_names = [f"{group.prefix}star_{_short(t)}" for t in tiers]
    now = utcnow()
    task = progress.add_task(
        f"fan-out followers ({len(feed_entries)} in each feed)", total=fan_n * 3
    )
    await insert(db, accounts, _account_rows(tier_ids, tier_names, list(tiers), [0] * len(tiers)))
    await insert(db, users, _user_rows(tier_ids, tier_names, password_hash, [now] * len(tiers)))
    follows_of = [sum(1 for t in tiers if j < t) for j in range(fan_n)]
    for start in range(0, fan_n, BATCH):
        end = min(fan_n, start + BATCH)
        await insert(
            db,
            accounts,
            _account_rows(
                ids[start:end], names[start:end], [0] * (end - start), follows_of[start:end]
            ),
        )
        await insert(
            db,
            users,
            _user_rows(ids[start:end], names[start:end], password_hash, [now] * (end - start)),
        )
        progress.advance(task, end - start)
    created = datetime(2024, 6, 1)
    edge = group.follow_base
    for tier, tier_id in zip(tiers, tier_ids, strict=True):
        rows = []
        for j in range(tier):
            rows.append(
                {
                    "id": follow_id(edge),
                    "account_id": ids[j],
                    "target_account_id": tier_id,
                    "created_at": created,
                    "show_reblogs": True,
                    "notify": False,
                }
            )
            edge += 1
        await insert(db, follows, rows)
    progress.advance(task, fan_n)
    await fill_feeds(db, feeds, ids, feed_entries, lambda n: progress.advance(task, n))
    return [
        FanTier(t, tid, name, ids[t - 1], len(feed_entries))
        for t, tid, name in zip(tiers, tier_ids, tier_names, strict=True)
    ]


def _short(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


async def fill_feeds(
    db: Database,
    feeds: FeedStore,
    owners: Sequence[int],
    entries: Sequence[tuple[int, int]],
    advance: Any,
) -> None:
    """Make many feeds present with the same entries: bulk rows into the SQL store's tables,
    or concurrent `FeedStore.fill` calls on Redis."""
    if isinstance(feeds, SqlFeedStore):
        step = max(1, BATCH // max(1, len(entries)))
        for start in range(0, len(owners), step):
            chunk = owners[start : start + step]
            async with db.transaction() as tx:
                await tx.execute(home_feed_marks.insert(), [{"owner_id": o} for o in chunk])
                if entries:
                    await tx.execute(
                        home_feed.insert(),
                        [
                            {"owner_id": o, "status_id": s, "author_id": a}
                            for o in chunk
                            for s, a in entries
                        ],
                    )
            advance(len(chunk))
        return
    for start in range(0, len(owners), 50):  # redis-py's pool allows ~100 connections
        chunk = owners[start : start + 50]
        await asyncio.gather(*(feeds.fill(o, entries) for o in chunk))
        advance(len(chunk))


async def recent_entries(db: Database, n: int) -> list[tuple[int, int]]:
    """The newest `n` public posts (not boosts) as feed entries."""
    rows = await db.fetch_all(
        sa.select(statuses.c.id, statuses.c.account_id)
        .where(statuses.c.visibility == "public", statuses.c.reblog_of_id.is_(None))
        .order_by(statuses.c.id.desc())
        .limit(n)
    )
    return [(int(r.id), int(r.account_id)) for r in rows]


async def seed_thread(db: Database, net: Network) -> int:
    """A 34-post thread through do_post_status: a chain of depth 6 from the root, five
    replies under each link. Returns the id of the chain's third link, whose context has
    3 ancestors and ~22 descendants."""
    users_in_thread = [account_id(i) for i in range(1, 40)]
    root = await do_post_status(
        db,
        users_in_thread[0],
        NewStatus(text="Long thread about caches and queues 🧵 #devops"),
        base_url=BASE_URL,
        max_chars=500,
    )
    chain = [root]
    for depth in range(1, 7):
        author = users_in_thread[depth]
        text = f"Part {depth}: " + " ".join(["latency", "queue", "cache", "feed"][: depth % 4 + 1])
        chain.append(
            await do_post_status(
                db,
                author,
                NewStatus(text=text, in_reply_to_id=chain[-1]),
                base_url=BASE_URL,
                max_chars=500,
            )
        )
    for depth, parent in enumerate(chain[:-1]):
        for k in range(5):
            author = users_in_thread[(7 + depth * 5 + k) % len(users_in_thread)]
            name = net.usernames[1 + (7 + depth * 5 + k) % 39]
            await do_post_status(
                db,
                author,
                NewStatus(
                    text=f"@{name} good point {k} ✨ https://example.com/r/{depth}/{k}",
                    in_reply_to_id=parent,
                ),
                base_url=BASE_URL,
                max_chars=500,
            )
    return chain[3]


async def make_token(db: Database, account: int) -> str:
    """A bearer token for `account` (issue_token, as `roost tokens create` does)."""
    async with db.transaction() as tx:
        issued = await issue_token(
            tx, account_id=account, app_id=None, scopes="read write follow push"
        )
    return issued.access_token


async def warm_feeds(db: Database, feeds: FeedStore, owners: Iterable[int]) -> None:
    """Rebuild these owners' feeds from SQL, as a first home-timeline read would."""
    for owner in owners:
        await feeds.drop(owner)
        await feeds.fill(owner, await feed_entries_for(db, owner))
