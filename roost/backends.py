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
    feeds: FeedStore
    pubsub: PubSub
    cache: Cache
    limiter: RateLimiter
    redis: Any = None  # the shared Redis client, when scaled out

    async def close(self) -> None:
        await self.pubsub.close()
        if self.redis is not None:
            await self.redis.aclose()


def build_backends(settings: Settings, db: Database) -> Backends:
    """The backends `settings` ask for. Redis connections open lazily, on first use."""
    if not settings.redis_url:
        return Backends(SqlFeedStore(db), MemoryPubSub(), MemoryCache(), MemoryRateLimiter())
    from roost.cache.redis import RedisCache
    from roost.feeds.redis import RedisFeedStore
    from roost.pubsub.redis import RedisPubSub
    from roost.ratelimit.redis import RedisRateLimiter
    from roost.redis_client import connect

    client = connect(settings.redis_url)
    prefix = settings.redis_prefix
    return Backends(
        feeds=RedisFeedStore(client, prefix=prefix),
        pubsub=RedisPubSub(client, prefix=prefix),
        cache=RedisCache(client, prefix=prefix),
        limiter=RedisRateLimiter(client, prefix=prefix),
        redis=client,
    )
