"""Rate limit counts in Redis: one count per key and window, shared by every process."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from roost.ratelimit import Window
from roost.redis_client import delete_prefixed
from roost.redis_pipe import PipelinedRedis, Script

# KEYS[1] count; ARGV cost, ttl. One command (a MULTI/INCRBY/EXPIRE/EXEC pipeline cost
# more on the client side than the whole rest of the check).
HIT = """
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return count
"""
_HIT = Script(HIT)


class RedisRateLimiter:
    """Fixed windows as `MemoryRateLimiter` has them, counted with INCRBY at
    `{prefix}rl:{key}:{window}`; each count expires just after its window ends."""

    def __init__(self, redis: Redis, pipe: PipelinedRedis, *, prefix: str = "roost:") -> None:
        self._redis = redis
        self._pipe = pipe  # the hit is every request's: through the pipelined connection
        self._ns = f"{prefix}rl:"

    async def hit(self, key: str, limit: int, period: int, cost: int = 1) -> Window:
        now = time.time()
        window = int(now // period)
        reset_at = (window + 1) * period
        # A relative expiry, so that a clock skew between us and Redis cannot cut it short.
        ttl = int(reset_at - now) + 2
        count = int(await self._pipe.evalsha(_HIT, [f"{self._ns}{key}:{window}"], [cost, ttl]))
        return Window(limit, max(0, limit - count), reset_at, count > limit)

    async def clear(self) -> None:
        await delete_prefixed(self._redis, self._ns)
