"""The cache in Redis: shared by every process; Redis evicts (maxmemory-policy) at scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from redis.asyncio import Redis

from roost.redis_client import delete_prefixed
from roost.redis_pipe import PipelinedRedis

# Each key set to its value only where it still holds the expected one (ARGV: ttl in ms,
# then expected, value for each key).
_SWAP = """
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[2 * i] then
    redis.call('SET', key, ARGV[2 * i + 1], 'PX', ARGV[1])
  end
end
"""


class RedisCache:
    """Keys live at `{prefix}cache:{key}`, each with its own expiry (PX). Reads go through
    the process's pipelined connection (`pipe`), writes through redis-py."""

    def __init__(self, redis: Redis, pipe: PipelinedRedis, *, prefix: str = "roost:") -> None:
        self._redis = redis
        self._pipe = pipe
        self._ns = f"{prefix}cache:"
        self._swap = redis.register_script(_SWAP)

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        values = await self._pipe.execute("MGET", *[self._ns + k for k in keys])
        return cast(list[bytes | None], values)

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        if not items:
            return
        ms = int(ttl * 1000)
        if ms <= 0:
            # Already expired (Redis refuses PX 0): an old value must not linger either.
            await self.delete_many(list(items))
            return
        pipe = self._redis.pipeline(transaction=False)
        for key, value in items.items():
            pipe.set(self._ns + key, value, px=ms)
        await pipe.execute()

    async def add_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        ms = int(ttl * 1000)
        if not items or ms <= 0:
            return
        pipe = self._redis.pipeline(transaction=False)
        for key, value in items.items():
            pipe.set(self._ns + key, value, px=ms, nx=True)
        await pipe.execute()

    async def swap_many(self, items: Mapping[str, tuple[bytes, bytes]], ttl: float) -> None:
        ms = int(ttl * 1000)
        if not items or ms <= 0:
            return
        args: list[bytes | int] = [ms]
        for expected, value in items.values():
            args += [expected, value]
        await self._swap(keys=[self._ns + k for k in items], args=args)

    async def delete_many(self, keys: Sequence[str]) -> None:
        if keys:
            await self._redis.unlink(*[self._ns + k for k in keys])

    async def clear(self) -> None:
        await delete_prefixed(self._redis, self._ns)
