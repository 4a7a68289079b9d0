"""Picks each backend's implementation from config: embedded (SQL / in-process) by
default, Redis when ROOST_REDIS_URL is set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roost.cache import Cache
from roost.cache.memory import MemoryCache
from roost.config import Settings
from roost.db import Database
from roost.feeds import FeedStore
from roost.feeds.sql import SqlFeedStore
from roost.pubsub import PubSub
from roost.pubsub.memory import MemoryPubSub
from roost.ratelimit import RateLimiter
from roost.ratelimit.memory import MemoryRateLimiter


@dataclass
class Backends:
    feeds: FeedStore  # home feeds
    list_feeds: FeedStore
    pubsub: PubSub
    cache: Cache
    limiter: RateLimiter
    redis: Any = None  # the shared Redis client, when scaled out
    pipe: Any = None  # and its pipelined connection for hot reads (roost.redis_pipe)

    async def close(self) -> None:
        await self.pubsub.close()
        if self.pipe is not None:
            await self.pipe.close()
        if self.redis is not None:
            await self.redis.aclose()


def build_backends(settings: Settings, db: Database) -> Backends:
    """The backends `settings` ask for. Redis connections open lazily, on first use."""
    if not settings.redis_url:
        return Backends(
            SqlFeedStore(db), SqlFeedStore(db, "list"), MemoryPubSub(), MemoryCache(),
            MemoryRateLimiter(),
        )  # fmt: skip
    from roost.cache.redis import RedisCache
    from roost.feeds.redis import RedisFeedStore
    from roost.outage import (
        Breaker,
        OutageCache,
        OutageFeedStore,
        OutagePubSub,
        OutageRateLimiter,
    )
    from roost.pubsub.redis import RedisPubSub
    from roost.ratelimit.redis import RedisRateLimiter
    from roost.redis_client import connect
    from roost.redis_pipe import PipelinedRedis

    client = connect(settings.redis_url)
    pipe = PipelinedRedis(settings.redis_url)
    prefix = settings.redis_prefix
    # While Redis is away, each serves what it can (roost.outage).
    breaker = Breaker()
    return Backends(
        feeds=OutageFeedStore(RedisFeedStore(client, pipe, prefix=prefix), breaker),
        list_feeds=OutageFeedStore(
            RedisFeedStore(client, pipe, prefix=prefix, kind="list"), breaker
        ),
        pubsub=OutagePubSub(RedisPubSub(client, prefix=prefix), breaker),
        cache=OutageCache(RedisCache(client, pipe, prefix=prefix), breaker),
        limiter=OutageRateLimiter(RedisRateLimiter(client, pipe, prefix=prefix), breaker),
        redis=client,
        pipe=pipe,
    )
