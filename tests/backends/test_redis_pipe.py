"""The pipelined Redis connection (roost.redis_pipe): replies reach their callers in
every case a shared connection can get wrong."""

from __future__ import annotations

import asyncio
import contextlib
import secrets

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from roost.redis_pipe import PipelinedRedis, Script

# Keeps Redis busy for about `ARGV[1]` milliseconds, then answers "slept".
SLOW = """
local stop = redis.call('TIME')
local until_us = (tonumber(stop[1]) * 1000000 + tonumber(stop[2])) + tonumber(ARGV[1]) * 1000
repeat
  local now = redis.call('TIME')
until tonumber(now[1]) * 1000000 + tonumber(now[2]) >= until_us
return 'slept'
"""


async def test_concurrent_callers_each_get_their_own_reply(
    redis: Redis, redis_pipe: PipelinedRedis, redis_prefix: str
) -> None:
    await redis.mset({f"{redis_prefix}k{i}": f"v{i}" for i in range(300)})
    keys = [f"{redis_prefix}k{i}" for i in range(300)]
    replies = await asyncio.gather(*(redis_pipe.execute("GET", k) for k in keys))
    assert replies == [f"v{i}".encode() for i in range(300)]
    got = await redis_pipe.execute("MGET", keys[5], f"{redis_prefix}absent", keys[7])
    assert got == [b"v5", None, b"v7"]


async def test_a_cancelled_caller_does_not_shift_the_replies(
    redis: Redis, redis_pipe: PipelinedRedis, redis_prefix: str
) -> None:
    await redis.set(f"{redis_prefix}a", "A")
    slow = asyncio.ensure_future(redis_pipe.evalsha(Script(SLOW), [], [100]))
    await asyncio.sleep(0.02)  # written, not answered
    slow.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await slow
    # The slow reply arrives first and goes to the cancelled caller, not to this one.
    assert await redis_pipe.execute("GET", f"{redis_prefix}a") == b"A"


async def test_a_timeout_drops_the_connection_and_the_next_command_reconnects(
    redis: Redis, redis_url: str, redis_prefix: str
) -> None:
    pipe = PipelinedRedis(redis_url, timeout=0.05)
    try:
        await redis.set(f"{redis_prefix}b", "B")
        with pytest.raises(RedisTimeoutError):
            await pipe.evalsha(Script(SLOW), [], [150])
        await asyncio.sleep(0.2)  # Redis runs one script at a time: let this one end
        assert await pipe.execute("GET", f"{redis_prefix}b") == b"B"
    finally:
        await pipe.close()


async def test_a_connection_cut_by_redis_is_made_again(
    redis: Redis, redis_pipe: PipelinedRedis, redis_prefix: str
) -> None:
    await redis.set(f"{redis_prefix}c", "C")
    await redis_pipe.execute("CLIENT", "SETNAME", f"pipe-{redis_prefix.replace(':', '-')}")
    mine = await redis_pipe.execute("CLIENT", "ID")
    await redis.client_kill_filter(_id=mine)
    assert await redis_pipe.execute("GET", f"{redis_prefix}c") == b"C"
    assert await redis_pipe.execute("CLIENT", "ID") != mine


async def test_error_replies_raise_and_the_connection_goes_on(
    redis: Redis, redis_pipe: PipelinedRedis, redis_prefix: str
) -> None:
    await redis.set(f"{redis_prefix}s", "text")
    with pytest.raises(ResponseError, match="not an integer"):
        await redis_pipe.execute("INCR", f"{redis_prefix}s")
    assert await redis_pipe.execute("GET", f"{redis_prefix}s") == b"text"


async def test_a_script_redis_does_not_know_is_loaded(redis_pipe: PipelinedRedis) -> None:
    # A source never sent before (Redis forgets loaded scripts when it restarts); no
    # SCRIPT FLUSH here: it would pull scripts from under the other tests on this Redis.
    script = Script(f"-- {secrets.token_hex(8)}\nreturn ARGV[1] .. '!'")
    assert await redis_pipe.execute("SCRIPT", "EXISTS", script.sha) == [0]
    assert await redis_pipe.evalsha(script, [], ["hi"]) == b"hi!"
    assert await redis_pipe.execute("SCRIPT", "EXISTS", script.sha) == [1]


async def test_the_database_in_the_url_is_selected(redis: Redis, redis_url: str) -> None:
    base = redis_url.rsplit("/", 1)[0]
    pipe, other = PipelinedRedis(f"{base}/7"), Redis.from_url(f"{base}/7")
    try:
        await other.set("roost-pipe-test-db", "seven", ex=60)
        assert await pipe.execute("GET", "roost-pipe-test-db") == b"seven"
    finally:
        await other.delete("roost-pipe-test-db")
        await other.aclose()
        await pipe.close()


async def test_an_unreachable_redis_is_a_connection_error() -> None:
    pipe = PipelinedRedis("redis://127.0.0.1:9/0", connect_timeout=1.0)
    with pytest.raises(RedisConnectionError):
        await pipe.execute("GET", "k")
