"""What a scaled-out instance does while Redis is away: it serves what it can.

Each Redis backend is wrapped. A call that cannot reach Redis opens the instance's
`Breaker` for BREAK_SECONDS; meanwhile calls go straight to their stand-in instead of
waiting on timeouts and retries:
- rate limits and throttles count in this process (roost.ratelimit.memory);
- the cache misses (renders come from SQL) and its writes are dropped (entries expire
  after their TTL, which bounds a missed invalidation);
- live-update messages are dropped (streams miss them; timelines do not);
- a home feed page raises Unavailable, which the timeline turns into a read from SQL
  (roost.timelines.queries); feed writes raise too, so their job retries later.
When Redis is back, the next call after the break goes through and closes the breaker.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from roost.cache import Cache
from roost.errors import Unavailable
from roost.feeds import FeedStore
from roost.pubsub import PubSub, Subscription
from roost.ratelimit import RateLimiter, Window
from roost.ratelimit.memory import MemoryRateLimiter

BREAK_SECONDS = 5.0
_DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
T = TypeVar("T")
log = logging.getLogger(__name__)


class Breaker:
    """Whether Redis is taken to be down, and until when."""

    def __init__(self) -> None:
        self.down_until = 0.0

    @property
    def open(self) -> bool:
        return time.monotonic() < self.down_until

    async def call(self, fn: Callable[[], Awaitable[T]]) -> T:
        """`fn()`, or Unavailable (at once while the breaker is open)."""
        if self.open:
            raise Unavailable()
        try:
            return await fn()
        except _DOWN as exc:
            if not self.open:
                log.warning("Redis unreachable (%s); serving without it for %.0f s",
                            exc, BREAK_SECONDS)  # fmt: skip
            self.down_until = time.monotonic() + BREAK_SECONDS
            raise Unavailable() from exc


class OutageRateLimiter:
    """Counts in Redis; in this process while Redis is away."""

    def __init__(self, inner: RateLimiter, breaker: Breaker) -> None:
        self.inner, self.breaker, self.local = inner, breaker, MemoryRateLimiter()

    async def hit(self, key: str, limit: int, period: int, cost: int = 1) -> Window:
        try:
            return await self.breaker.call(lambda: self.inner.hit(key, limit, period, cost))
        except Unavailable:
            return await self.local.hit(key, limit, period, cost)

    async def clear(self) -> None:
        await self.local.clear()
        await self.inner.clear()


class OutageCache:
    """Misses, and drops writes, while Redis is away."""

    def __init__(self, inner: Cache, breaker: Breaker) -> None:
        self.inner, self.breaker = inner, breaker

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        try:
            return await self.breaker.call(lambda: self.inner.get_many(keys))
        except Unavailable:
            return [None] * len(keys)

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        await self._write(lambda: self.inner.set_many(items, ttl))

    async def add_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        await self._write(lambda: self.inner.add_many(items, ttl))

    async def swap_many(self, items: Mapping[str, tuple[bytes, bytes]], ttl: float) -> None:
        await self._write(lambda: self.inner.swap_many(items, ttl))

    async def delete_many(self, keys: Sequence[str]) -> None:
        await self._write(lambda: self.inner.delete_many(keys))

    async def clear(self) -> None:
        await self.inner.clear()

    async def _write(self, fn: Callable[[], Awaitable[None]]) -> None:
        # The entry's TTL bounds how long a missed write matters.
        with contextlib.suppress(Unavailable):
            await self.breaker.call(fn)


class OutagePubSub:
    """Drops messages while Redis is away; a new subscription then answers Unavailable."""

    def __init__(self, inner: PubSub, breaker: Breaker) -> None:
        self.inner, self.breaker = inner, breaker

    async def publish(self, channel: str, message: bytes) -> None:
        with contextlib.suppress(Unavailable):
            await self.breaker.call(lambda: self.inner.publish(channel, message))

    async def publish_many(self, messages: Sequence[tuple[str, bytes]]) -> None:
        with contextlib.suppress(Unavailable):
            await self.breaker.call(lambda: self.inner.publish_many(messages))

    async def subscribe(self, channels: Iterable[str]) -> Subscription:
        return await self.breaker.call(lambda: self.inner.subscribe(channels))

    async def close(self) -> None:
        await self.inner.close()


class OutageFeedStore:
    """Raises Unavailable, at once while the breaker is open, instead of hanging."""

    def __init__(self, inner: FeedStore, breaker: Breaker) -> None:
        self.inner, self.breaker = inner, breaker

    async def push(self, owner_ids: Sequence[int], status_id: int, author_id: int) -> None:
        await self.breaker.call(lambda: self.inner.push(owner_ids, status_id, author_id))

    async def push_many(self, pushes: Sequence[tuple[Sequence[int], int, int]]) -> None:
        await self.breaker.call(lambda: self.inner.push_many(pushes))

    async def fill(self, owner_id: int, entries: Sequence[tuple[int, int]]) -> None:
        await self.breaker.call(lambda: self.inner.fill(owner_id, entries))

    async def remove(self, owner_ids: Sequence[int], entries: Sequence[tuple[int, int]]) -> None:
        await self.breaker.call(lambda: self.inner.remove(owner_ids, entries))

    async def remove_author(self, owner_id: int, author_id: int) -> None:
        await self.breaker.call(lambda: self.inner.remove_author(owner_id, author_id))

    async def page(
        self,
        owner_id: int,
        *,
        max_id: int | None = None,
        since_id: int | None = None,
        min_id: int | None = None,
        limit: int = 20,
    ) -> list[int] | None:
        return await self.breaker.call(
            lambda: self.inner.page(
                owner_id, max_id=max_id, since_id=since_id, min_id=min_id, limit=limit
            )
        )

    async def drop(self, owner_id: int) -> None:
        await self.breaker.call(lambda: self.inner.drop(owner_id))

    async def clear(self) -> None:
        await self.inner.clear()
