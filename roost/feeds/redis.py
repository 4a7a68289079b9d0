"""Feeds in Redis: one sorted set per owner, at `{prefix}feed:{account_id}` for home feeds
and `{prefix}listfeed:{list_id}` for list feeds (apart, so that neither kind's `clear` nor
a scan of one kind's keys meets the other's).

Members are `"{status_id}:{author_id}"` scored by `float(status_id)`. Ids are ~1.2e17, past
the 2**53 a double holds exactly, so up to 16 neighbouring ids share a score: scores only
narrow a range, and `page` orders and bounds by the id parsed from each member. (Among
equal scores Redis orders members as strings, which is numeric order for ids of equal
length, so capping by rank keeps the newest entries for all ids made from 2018 to 2453.)

A feed is present iff its key exists; the sentinel member "0:0" (score 0, rank 0) keeps
a built but empty feed present, and is never returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from roost.feeds import FEED_CAP, FeedKind
from roost.redis_client import delete_prefixed
from roost.redis_pipe import PipelinedRedis, Script

SENTINEL = b"0:0"
NAMESPACES: dict[FeedKind, str] = {"home": "feed:", "list": "listfeed:"}
CHUNK = 1000  # feeds per script call: a few ms of Redis time, short enough to interleave
CHUNKS_PER_TRIP = 10
# Trims ranks 1 .. -(FEED_CAP + 1): everything but the sentinel and the newest FEED_CAP.
TRIM_TO = -(FEED_CAP + 1)

# KEYS feeds; ARGV score, member. Absent feeds stay absent: no ZADD creates one.
PUSH = f"""
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('ZADD', key, ARGV[1], ARGV[2])
    redis.call('ZREMRANGEBYRANK', key, 1, {TRIM_TO})
  end
end
"""

# KEYS feeds; ARGV members (unpacked in slices: Lua's stack holds ~8000 values).
REMOVE = """
for _, key in ipairs(KEYS) do
  for i = 1, #ARGV, 1000 do redis.call('ZREM', key, unpack(ARGV, i, math.min(i + 999, #ARGV))) end
end
"""

# KEYS[1] feed; ARGV[1] author id. Atomic, so a concurrent push cannot slip between.
REMOVE_AUTHOR = """
local suffix = ':' .. ARGV[1]
local gone = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if m ~= '0:0' and string.sub(m, -#suffix) == suffix then gone[#gone + 1] = m end
end
if #gone > 0 then redis.call('ZREM', KEYS[1], unpack(gone)) end
return #gone
"""


# KEYS[1] feed; ARGV from, to, count, ascending ("1"/"0"). One command instead of a
# MULTI/EXISTS/Z*RANGEBYSCORE/EXEC round of four (the redis-py side of a pipeline cost a
# home request more than the read). Returns false for an absent feed, else the flat
# member, score, member, score, ... list.
PAGE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local cmd = ARGV[4] == '1' and 'ZRANGEBYSCORE' or 'ZREVRANGEBYSCORE'
return redis.call(cmd, KEYS[1], ARGV[1], ARGV[2], 'WITHSCORES', 'LIMIT', 0, ARGV[3])
"""
_PAGE = Script(PAGE)


def _member(status_id: int, author_id: int) -> bytes:
    return b"%d:%d" % (status_id, author_id)


def _status_id(member: bytes) -> int:
    return int(member.partition(b":")[0])


class RedisFeedStore:
    """The FeedStore for a scaled-out instance (see the module docstring for the layout)."""

    def __init__(
        self, redis: Redis, pipe: PipelinedRedis, *, prefix: str = "roost:", kind: FeedKind = "home"
    ) -> None:
        self._redis = redis
        self._pipe = pipe  # reading a page is every timeline's: the pipelined connection
        self._ns = f"{prefix}{NAMESPACES[kind]}"
        self._push = redis.register_script(PUSH)
        self._remove = redis.register_script(REMOVE)
        self._remove_author = redis.register_script(REMOVE_AUTHOR)

    def _key(self, owner_id: int) -> str:
        return f"{self._ns}{owner_id}"

    async def push(self, owner_ids: Sequence[int], status_id: int, author_id: int) -> None:
        # One script call per chunk of feeds, not per feed: redis-py spends ~50 µs of Python
        # on each command and reply, Redis a few µs on each feed. Pipelining a few calls
        # lets Redis work on one batch while we encode the next. (On Redis Cluster the
        # chunks would have to be grouped by hash slot first.)
        args: list[float | bytes] = [float(status_id), _member(status_id, author_id)]
        await self._per_chunk(self._push, owner_ids, args, CHUNK)

    async def push_many(self, pushes: Sequence[tuple[Sequence[int], int, int]]) -> None:
        # Each status is its own script arguments; Redis has no commit to share.
        for owner_ids, status_id, author_id in pushes:
            await self.push(owner_ids, status_id, author_id)

    async def _per_chunk(
        self, script: AsyncScript, owner_ids: Sequence[int], args: Sequence[Any], chunk: int
    ) -> None:
        step = chunk * CHUNKS_PER_TRIP
        for trip in range(0, len(owner_ids), step):
            pipe = self._redis.pipeline(transaction=False)
            for start in range(trip, min(trip + step, len(owner_ids)), chunk):
                keys = [self._key(o) for o in owner_ids[start : start + chunk]]
                await script(keys=keys, args=args, client=pipe)
            await pipe.execute()

    async def fill(self, owner_id: int, entries: Sequence[tuple[int, int]]) -> None:
        mapping: dict[bytes, float] = {SENTINEL: 0.0}
        for status_id, author_id in entries:
            mapping[_member(status_id, author_id)] = float(status_id)
        key = self._key(owner_id)
        pipe = self._redis.pipeline(transaction=True)
        pipe.zadd(key, mapping)
        pipe.zremrangebyrank(key, 1, TRIM_TO)
        await pipe.execute()

    async def remove(self, owner_ids: Sequence[int], entries: Sequence[tuple[int, int]]) -> None:
        if not entries:
            return
        members = [_member(s, a) for s, a in entries]
        # About CHUNK removals per script call, however many entries there are.
        await self._per_chunk(self._remove, owner_ids, members, max(1, CHUNK // len(members)))

    async def remove_author(self, owner_id: int, author_id: int) -> None:
        await self._remove_author(keys=[self._key(owner_id)], args=[author_id])

    async def page(
        self,
        owner_id: int,
        *,
        max_id: int | None = None,
        since_id: int | None = None,
        min_id: int | None = None,
        limit: int = 20,
    ) -> list[int] | None:
        low = max((b for b in (since_id, min_id) if b is not None), default=0)
        high = max_id
        ascending = min_id is not None
        key = self._key(owner_id)
        # A few extra for ids sharing a score with a bound; grown when that is not enough.
        count = max(limit, 0) + 16
        while True:
            lo_score: Any = float(low) if low > 0 else "(0"  # "(0" leaves out the sentinel
            hi_score: Any = float(high) if high is not None else "+inf"
            args = [lo_score, hi_score, count, 1] if ascending else [hi_score, lo_score, count, 0]
            flat = await self._pipe.evalsha(_PAGE, [key], args)
            if flat is None:
                return None
            rows = [(flat[i], float(flat[i + 1])) for i in range(0, len(flat), 2)]
            if limit <= 0:
                return []
            full = len(rows) == count
            # A full answer may have cut the last score's ties short: keep only whole scores.
            edge = rows[-1][1] if full else None
            ids = {
                _status_id(member)
                for member, score in rows
                if score != edge and low < _status_id(member) and member != SENTINEL
            }
            if high is not None:
                ids = {i for i in ids if i < high}
            if len(ids) >= limit or not full:
                ordered = sorted(ids, reverse=not ascending)[:limit]
                return sorted(ordered, reverse=True)
            count *= 4

    async def drop(self, owner_id: int) -> None:
        await self._redis.unlink(self._key(owner_id))

    async def clear(self) -> None:
        await delete_prefixed(self._redis, self._ns)
