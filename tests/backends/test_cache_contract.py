"""The Cache contract, run in-process and on Redis; then what only Redis can do."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from roost.cache import Cache
from roost.cache.redis import RedisCache
from roost.redis_pipe import PipelinedRedis

SHORT = 0.4  # seconds: an expiry a test can wait out, yet not reach on a busy machine
PAST_SHORT = SHORT + 0.2
LONG = 60.0


async def test_get_many_answers_in_key_order_with_none_for_misses(cache: Cache) -> None:
    assert await cache.get_many(["s:1", "s:2"]) == [None, None]
    await cache.set_many({"s:2": b"two", "s:1": b"one"}, LONG)
    assert await cache.get_many(["s:2", "s:3", "s:1", "s:2"]) == [b"two", None, b"one", b"two"]
    assert await cache.get_many([]) == []


async def test_values_are_bytes_as_given(cache: Cache) -> None:
    values = {"empty": b"", "binary": bytes(range(256)), "big": b"x" * 1_000_000}
    await cache.set_many(values, LONG)
    assert await cache.get_many(list(values)) == list(values.values())


async def test_keys_may_hold_any_characters(cache: Cache) -> None:
    odd = {"a b": b"1", "ünï:cødé": b"2", "*": b"3", "[x]?": b"4", "": b"5"}
    await cache.set_many(odd, LONG)
    assert await cache.get_many(list(odd)) == list(odd.values())
    assert await cache.get_many(["a", "x", "?"]) == [None, None, None]


async def test_set_overwrites(cache: Cache) -> None:
    await cache.set_many({"k": b"old"}, LONG)
    await cache.set_many({"k": b"new"}, LONG)
    assert await cache.get_many(["k"]) == [b"new"]
    await cache.set_many({}, LONG)  # nothing to do


async def test_values_expire_after_their_ttl(cache: Cache) -> None:
    await cache.set_many({"short": b"1"}, SHORT)
    await cache.set_many({"long": b"2"}, LONG)
    assert await cache.get_many(["short", "long"]) == [b"1", b"2"]
    await asyncio.sleep(PAST_SHORT)
    assert await cache.get_many(["short", "long"]) == [None, b"2"]


async def test_a_ttl_of_zero_stores_nothing(cache: Cache) -> None:
    await cache.set_many({"k": b"old"}, LONG)
    await cache.set_many({"k": b"gone"}, 0)
    assert await cache.get_many(["k"]) == [None]


async def test_add_many_fills_only_empty_keys(cache: Cache) -> None:
    await cache.set_many({"marked": b"-"}, LONG)
    await cache.set_many({"expired": b"old"}, SHORT)
    await asyncio.sleep(PAST_SHORT)
    await cache.add_many({"marked": b"fill", "expired": b"fill", "new": b"fill"}, LONG)
    assert await cache.get_many(["marked", "expired", "new"]) == [b"-", b"fill", b"fill"]
    await cache.add_many({}, LONG)


async def test_add_many_values_expire_too(cache: Cache) -> None:
    await cache.add_many({"k": b"v"}, SHORT)
    assert await cache.get_many(["k"]) == [b"v"]
    await asyncio.sleep(PAST_SHORT)
    assert await cache.get_many(["k"]) == [None]
    await cache.add_many({"k": b"v"}, 0)
    assert await cache.get_many(["k"]) == [None]


async def test_swap_many_replaces_only_the_value_it_expects(cache: Cache) -> None:
    await cache.set_many({"same": b"-m1", "newer": b"-m2", "filled": b"value"}, LONG)
    await cache.set_many({"expired": b"-m1"}, SHORT)
    await asyncio.sleep(PAST_SHORT)
    swaps = dict.fromkeys(("same", "newer", "filled", "expired", "absent"), (b"-m1", b"fill"))
    await cache.swap_many(swaps, LONG)
    assert await cache.get_many(["same", "newer", "filled", "expired", "absent"]) == [
        b"fill", b"-m2", b"value", None, None,
    ]  # fmt: skip
    await cache.swap_many({}, LONG)
    await cache.swap_many({"newer": (b"-m2", b"gone")}, 0)  # a ttl of zero stores nothing
    assert await cache.get_many(["newer"]) == [b"-m2"]


async def test_swapped_values_expire(cache: Cache) -> None:
    await cache.set_many({"k": b"-m"}, LONG)
    await cache.swap_many({"k": (b"-m", b"v")}, SHORT)
    assert await cache.get_many(["k"]) == [b"v"]
    await asyncio.sleep(PAST_SHORT)
    assert await cache.get_many(["k"]) == [None]


async def test_delete_many(cache: Cache) -> None:
    await cache.set_many({"a": b"1", "b": b"2", "c": b"3"}, LONG)
    await cache.delete_many(["a", "c", "never-set"])
    assert await cache.get_many(["a", "b", "c"]) == [None, b"2", None]
    await cache.delete_many([])
    await cache.add_many({"a": b"again"}, LONG)  # deleted means empty
    assert await cache.get_many(["a"]) == [b"again"]


async def test_clear_forgets_everything(cache: Cache) -> None:
    await cache.set_many({f"k{i}": b"v" for i in range(1500)}, LONG)
    await cache.clear()
    assert await cache.get_many([f"k{i}" for i in range(1500)]) == [None] * 1500
    await cache.set_many({"k0": b"after"}, LONG)
    assert await cache.get_many(["k0"]) == [b"after"]


# Redis only: instances sharing a server.


async def test_prefixes_keep_instances_apart(
    redis: Redis, redis_prefix: str, redis_pipe: PipelinedRedis
) -> None:
    # Glob characters in a prefix must not let clear() reach past it.
    mine = RedisCache(redis, redis_pipe, prefix=redis_prefix + "a*[b]?:")
    theirs = RedisCache(redis, redis_pipe, prefix=redis_prefix + "ax[b]y:")
    await mine.set_many({"k": b"mine"}, LONG)
    await theirs.set_many({"k": b"theirs"}, LONG)
    assert await mine.get_many(["k"]) == [b"mine"]
    await mine.clear()
    assert await mine.get_many(["k"]) == [None]
    assert await theirs.get_many(["k"]) == [b"theirs"]
    assert await redis.get(redis_prefix + "ax[b]y:cache:k") == b"theirs"


async def test_every_process_sees_the_same_cache(
    redis: Redis, redis_prefix: str, redis_pipe: PipelinedRedis, redis_url: str
) -> None:
    other = PipelinedRedis(redis_url)  # another process's pipelined connection
    one = RedisCache(redis, redis_pipe, prefix=redis_prefix)
    two = RedisCache(redis, other, prefix=redis_prefix)
    try:
        await one.set_many({"k": b"v"}, LONG)
        assert await two.get_many(["k"]) == [b"v"]
        await two.delete_many(["k"])
        assert await one.get_many(["k"]) == [None]
    finally:
        await other.close()
