"""Fixtures for the backend contract tests: every Protocol, each implementation.

Redis comes from ROOST_TEST_REDIS_URL (scripts/test.sh sets it for the PostgreSQL run), or
else redis://127.0.0.1:6379/0 when that answers; otherwise the Redis params skip, unless
ROOST_REQUIRE_SERVICES=1 or the URL was given explicitly, when they fail. Every run uses
its own key prefix (each test a sub-prefix of it) and deletes its keys at the end.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from redis.asyncio import Redis
from redis.exceptions import RedisError

from roost.accounts.tables import accounts
from roost.cache import Cache
from roost.cache.memory import MemoryCache
from roost.cache.redis import RedisCache
from roost.db import Database
from roost.feeds import FeedKind, FeedStore
from roost.feeds.redis import RedisFeedStore
from roost.feeds.sql import SqlFeedStore
from roost.ids import new_id
from roost.lists.tables import lists
from roost.pubsub import PubSub
from roost.pubsub.memory import MemoryPubSub
from roost.pubsub.redis import RedisPubSub
from roost.ratelimit import RateLimiter
from roost.ratelimit.memory import MemoryRateLimiter
from roost.ratelimit.redis import RedisRateLimiter
from roost.redis_client import connect, delete_prefixed
from roost.redis_pipe import PipelinedRedis
from roost.statuses.tables import statuses
from roost.timeutil import utcnow

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class RedisEnv:
    url: str
    client: Redis | None  # None: unreachable, see why
    prefix: str  # this run's; every key the tests make starts with it
    why: str = ""
    required: bool = False

    def require(self) -> Redis:
        """The client; else skip the calling test, or fail it where Redis is required."""
        if self.client is None:
            if self.required:
                pytest.fail(f"{self.why}, but ROOST_TEST_REDIS_URL / ROOST_REQUIRE_SERVICES=1 "
                            "require it")  # fmt: skip
            pytest.skip(f"{self.why}: the Redis backends are not tested")
        return self.client


@pytest.fixture(scope="session")
async def redis_env() -> AsyncIterator[RedisEnv]:
    explicit = os.environ.get("ROOST_TEST_REDIS_URL", "")
    url = explicit or DEFAULT_REDIS_URL
    required = bool(explicit) or os.environ.get("ROOST_REQUIRE_SERVICES") == "1"
    client = connect(url)
    try:
        await asyncio.wait_for(client.ping(), 10)
    except (RedisError, OSError, TimeoutError) as exc:
        await client.aclose()
        why = f"Redis is not reachable at {url} ({type(exc).__name__}: {exc})"
        yield RedisEnv(url, None, "", why, required)
        return
    prefix = f"roost-test-{os.getpid()}-{secrets.token_hex(4)}:"
    try:
        yield RedisEnv(url, client, prefix)
    finally:
        await delete_prefixed(client, prefix)
        await client.aclose()


_test_number = itertools.count()


@pytest.fixture
def redis_prefix(redis_env: RedisEnv) -> str:
    """A key prefix of this test's own, inside the run's."""
    return f"{redis_env.prefix}{next(_test_number)}:"


@pytest.fixture
def redis(redis_env: RedisEnv) -> Redis:
    return redis_env.require()


@pytest.fixture(params=["memory", "redis"])
async def pubsub(
    request: pytest.FixtureRequest, redis_env: RedisEnv, redis_prefix: str
) -> AsyncIterator[PubSub]:
    hub: PubSub
    if request.param == "memory":
        hub = MemoryPubSub()
    else:
        hub = RedisPubSub(redis_env.require(), prefix=redis_prefix)
    yield hub
    await hub.close()


@pytest.fixture
def redis_url(redis_env: RedisEnv) -> str:
    redis_env.require()
    return redis_env.url


@pytest.fixture
async def redis_pipe(redis_env: RedisEnv) -> AsyncIterator[PipelinedRedis]:
    """The pipelined connection the Redis backends read through: it connects on first use,
    so the in-process params, which take it unused, run without Redis."""
    pipe = PipelinedRedis(redis_env.url)
    yield pipe
    await pipe.close()


@pytest.fixture(params=["memory", "redis"])
def cache(
    request: pytest.FixtureRequest,
    redis_env: RedisEnv,
    redis_prefix: str,
    redis_pipe: PipelinedRedis,
) -> Cache:
    if request.param == "memory":
        return MemoryCache()
    return RedisCache(redis_env.require(), redis_pipe, prefix=redis_prefix)


@pytest.fixture(params=["memory", "redis"])
def limiter(
    request: pytest.FixtureRequest,
    redis_env: RedisEnv,
    redis_prefix: str,
    redis_pipe: PipelinedRedis,
) -> RateLimiter:
    if request.param == "memory":
        return MemoryRateLimiter()
    return RedisRateLimiter(redis_env.require(), redis_pipe, prefix=redis_prefix)


@pytest.fixture(params=["sql", "redis", "sql-list", "redis-list"])
def feeds(
    request: pytest.FixtureRequest,
    redis_env: RedisEnv,
    redis_prefix: str,
    db: Database,
    redis_pipe: PipelinedRedis,
) -> FeedStore:
    """Each store, for home feeds and for list feeds (owners are lists)."""
    backend, _, kind = str(request.param).partition("-")
    feed_kind: FeedKind = "list" if kind == "list" else "home"
    if backend == "sql":
        request.getfixturevalue("roost")  # empties the tables (sync here: it runs the loop)
        return SqlFeedStore(db, feed_kind)
    return RedisFeedStore(redis_env.require(), redis_pipe, prefix=redis_prefix, kind=feed_kind)


# Ids a year ahead, handed out consecutively: never met by new_id() during the run, and
# neighbours share a float score (ids are ~1.2e17, doubles are exact only to 2**53).
_next_status_id = itertools.count((int(time.time() * 1000) + 365 * 86_400_000) << 16)


class Rows:
    """Owners and statuses for feed tests: real rows for the SQL store, whose foreign keys
    need them (accounts, or lists for list feeds); bare ids for Redis."""

    def __init__(self, db: Database | None, kind: FeedKind = "home") -> None:
        self.db = db
        self.kind = kind
        self._author: int | None = None

    async def owners(self, n: int) -> list[int]:
        ids = [new_id() for _ in range(n)]
        if self.db is not None:
            now = utcnow()
            rows = [
                {"id": i, "username": f"u{i}", "username_lower": f"u{i}", "fields": [],
                 "created_at": now}
                for i in ids
            ]  # fmt: skip
            async with self.db.transaction() as tx:
                await tx.execute(sa.insert(accounts), rows)
                if self.kind == "list":  # each its own list, with the same id
                    made = [{"id": i, "account_id": i, "title": "l", "created_at": now}
                            for i in ids]  # fmt: skip
                    await tx.execute(sa.insert(lists), made)
        return ids

    async def statuses(self, n: int, *, start: int | None = None) -> list[int]:
        """`n` new status ids, ascending and consecutive (from `start` if given)."""
        ids = (
            [next(_next_status_id) for _ in range(n)]
            if start is None
            else [start + i for i in range(n)]
        )
        if self.db is not None:
            if self._author is None:
                self._author = (await self.owners(1))[0]
            now = utcnow()
            rows = [
                {"id": i, "account_id": self._author, "visibility": "public", "created_at": now}
                for i in ids
            ]
            async with self.db.transaction() as tx:
                await tx.execute(sa.insert(statuses), rows)
        return ids


@pytest.fixture
def rows(request: pytest.FixtureRequest, feeds: FeedStore, db: Database) -> Rows:
    kind: FeedKind = (
        "list" if str(request.node.callspec.params["feeds"]).endswith("list") else "home"
    )
    return Rows(None if isinstance(feeds, RedisFeedStore) else db, kind)


class Clock:
    """A settable `time` module stand-in for the rate limiters."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Frozen at the start of the next hour: a window start for every period dividing 3600.
    Near the real time, because Redis expires counts by its own clock."""
    clock = Clock(float((int(time.time()) // 3600 + 1) * 3600))
    monkeypatch.setattr("roost.ratelimit.memory.time", clock)
    monkeypatch.setattr("roost.ratelimit.redis.time", clock)
    return clock
