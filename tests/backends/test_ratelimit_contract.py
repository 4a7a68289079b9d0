"""The RateLimiter contract, run in-process and on Redis, on a clock the tests move."""

from __future__ import annotations

from redis.asyncio import Redis

from roost.ratelimit import RateLimiter, Window
from roost.ratelimit.redis import RedisRateLimiter
from roost.redis_pipe import PipelinedRedis
from tests.backends.conftest import Clock


async def test_counts_down_to_the_limit_then_exceeds(limiter: RateLimiter, clock: Clock) -> None:
    start = clock.now
    got = [await limiter.hit("ip:1", 3, 60) for _ in range(5)]
    end = start + 60
    assert got == [
        Window(3, 2, end, False),
        Window(3, 1, end, False),
        Window(3, 0, end, False),  # the limit-th hit is still allowed
        Window(3, 0, end, True),
        Window(3, 0, end, True),
    ]


async def test_reset_at_is_the_end_of_the_window(limiter: RateLimiter, clock: Clock) -> None:
    start = clock.now
    clock.now = start + 17.5
    assert (await limiter.hit("k", 10, 60)).reset_at == start + 60
    clock.now = start + 299.9
    assert (await limiter.hit("k", 10, 300)).reset_at == start + 300
    assert (await limiter.hit("k", 10, 3600)).reset_at == start + 3600


async def test_a_new_window_starts_afresh(limiter: RateLimiter, clock: Clock) -> None:
    start = clock.now
    for _ in range(3):
        await limiter.hit("k", 2, 60)
    clock.now = start + 59.999  # still the same window
    assert await limiter.hit("k", 2, 60) == Window(2, 0, start + 60, True)
    clock.now = start + 60
    assert await limiter.hit("k", 2, 60) == Window(2, 1, start + 120, False)
    clock.now = start + 130  # a window skipped entirely
    assert await limiter.hit("k", 2, 60) == Window(2, 1, start + 180, False)


async def test_cost_counts_many_hits_at_once(limiter: RateLimiter, clock: Clock) -> None:
    end = clock.now + 300
    assert await limiter.hit("login", 5, 300, cost=5) == Window(5, 0, end, False)
    assert await limiter.hit("login", 5, 300, cost=1) == Window(5, 0, end, True)
    assert await limiter.hit("other", 5, 300, cost=6) == Window(5, 0, end, True)
    assert await limiter.hit("third", 5, 300, cost=2) == Window(5, 3, end, False)


async def test_keys_count_apart(limiter: RateLimiter, clock: Clock) -> None:
    await limiter.hit("t:1", 1, 60)
    assert (await limiter.hit("t:1", 1, 60)).exceeded
    assert await limiter.hit("t:2", 1, 60) == Window(1, 0, clock.now + 60, False)
    assert not (await limiter.hit("t:1:x", 1, 60)).exceeded  # not a prefix match either


async def test_clear_forgets_all_counts(limiter: RateLimiter, clock: Clock) -> None:
    for _ in range(3):
        await limiter.hit("k", 2, 60)
    await limiter.clear()
    assert await limiter.hit("k", 2, 60) == Window(2, 1, clock.now + 60, False)


# Redis only.


async def test_every_process_shares_the_counts(
    redis: Redis, redis_prefix: str, clock: Clock, redis_pipe: PipelinedRedis, redis_url: str
) -> None:
    other = PipelinedRedis(redis_url)  # another process's pipelined connection
    one = RedisRateLimiter(redis, redis_pipe, prefix=redis_prefix)
    two = RedisRateLimiter(redis, other, prefix=redis_prefix)
    try:
        await one.hit("k", 2, 60)
        await two.hit("k", 2, 60)
        assert (await one.hit("k", 2, 60)).exceeded
    finally:
        await other.close()


async def test_counts_expire_with_their_window(
    redis: Redis, redis_prefix: str, clock: Clock, redis_pipe: PipelinedRedis
) -> None:
    limiter = RedisRateLimiter(redis, redis_pipe, prefix=redis_prefix)
    clock.now += 20  # 40 s left in the window
    await limiter.hit("k", 2, 60)
    # The key is named, not SCANned for: a SCAN over a Redis holding other runs' keys
    # can take seconds, which the TTL would then show.
    key = f"{redis_prefix}rl:k:{int(clock.now // 60)}"
    assert 40 <= await redis.ttl(key) <= 42
