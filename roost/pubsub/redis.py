"""Pub/sub over Redis: a publish in any process reaches subscribers in every process.

Each process listens on ONE Redis connection, however many streaming clients it serves: a
background task reads it and hands each message to the in-process queues of the
subscriptions that want its channel. A Redis channel is subscribed when its first local
subscriber comes and unsubscribed when its last one goes. When Redis drops, the task
logs it and reconnects with backoff, resubscribing every channel still wanted; messages
published meanwhile are lost, as pub/sub is fire-and-forget (a client re-fetches its
timeline when it reconnects anyway).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

# redis.asyncio.client.PubSub, whose methods carry no annotations (mypy --strict refuses
# calls to them): typed as Any where it is used.
PubSubConnection = Any

log = logging.getLogger("roost.pubsub")

QUEUE_SIZE = 1000  # a subscriber this far behind loses messages rather than memory
ACK_TIMEOUT = 5.0  # how long subscribe() waits for Redis to confirm a channel
PING_EVERY = 10.0  # ping a silent connection this often; 3 missed: reconnect
BACKOFF_FIRST = 0.1
BACKOFF_MAX = 30.0
PING = b"roost-ping"
# ARGV[1] the message, ARGV[2..] the channels.
PUBLISH_EACH = "for i = 2, #ARGV do redis.call('PUBLISH', ARGV[i], ARGV[1]) end"
PUBLISH_BATCH = 1000  # PUBLISHes per script call


def _dropped(exc: Exception, count: int) -> None:
    # Live updates are a courtesy (clients re-fetch timelines): losing some must not fail
    # the request or job that committed them, nor make a job retry and send them twice.
    log.warning("Redis pub/sub: %d message(s) dropped: %s: %s", count, type(exc).__name__, exc)


class RedisSubscription:
    def __init__(self, hub: RedisPubSub) -> None:
        self._hub = hub
        self.channels: set[str] = set()
        self.queue: asyncio.Queue[tuple[str, bytes] | None] = asyncio.Queue(QUEUE_SIZE)
        self.closed = False

    async def add(self, channels: Iterable[str]) -> None:
        if not self.closed:
            await self._hub._add(self, list(channels))

    async def remove(self, channels: Iterable[str]) -> None:
        await self._hub._remove(self, list(channels))

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        await self._hub._remove(self, list(self.channels))
        self._end()

    def _deliver(self, channel: str, message: bytes) -> None:
        # A stalled client drops events; it can re-fetch the timeline.
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait((channel, message))

    def _end(self) -> None:
        if self.queue.full():
            self.queue.get_nowait()  # make room: the end must get through
        self.queue.put_nowait(None)

    async def __aiter__(self) -> AsyncIterator[tuple[str, bytes]]:
        while True:
            item = await self.queue.get()
            if item is None:
                return
            yield item


class RedisPubSub:
    """Channels live at `{prefix}{channel}` in Redis. Publishing uses the shared client's
    pool (one connection unless publishes overlap); listening, one connection per process."""

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "roost:",
        ack_timeout: float = ACK_TIMEOUT,
        ping_every: float = PING_EVERY,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._publish_each = redis.register_script(PUBLISH_EACH)
        self._prefix_len = len(prefix.encode())
        self._ack_timeout = ack_timeout
        self._ping_every = ping_every
        self._local: dict[str, set[RedisSubscription]] = {}  # who wants each channel here
        self._remote: set[str] = set()  # what the listening connection subscribed to
        self._acks: dict[str, deque[asyncio.Future[None]]] = {}  # SUBSCRIBEs not confirmed
        self._conn: PubSubConnection | None = None  # set while connected
        self._up = asyncio.Event()
        self._lock = asyncio.Lock()  # orders (un)subscribes against (re)connects
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    async def publish(self, channel: str, message: bytes) -> None:
        try:
            await self._redis.publish(self._prefix + channel, message)
        except (RedisError, OSError) as exc:
            _dropped(exc, 1)

    async def publish_many(self, messages: Sequence[tuple[str, bytes]]) -> None:
        """A run of the same message (a fan-out's `update` to each follower's channel) goes
        out in one script call: redis-py spends ~40 µs of Python on each command,
        Redis ~1 µs on each PUBLISH (fan-out to 100k followers: 4.6 s → 0.9 s)."""
        runs: list[tuple[bytes, list[str]]] = []  # consecutive, so the order is kept
        for channel, message in messages:
            if runs and runs[-1][0] == message and len(runs[-1][1]) < PUBLISH_BATCH:
                runs[-1][1].append(self._prefix + channel)
            else:
                runs.append((message, [self._prefix + channel]))
        pipe = self._redis.pipeline(transaction=False)  # one round trip for all runs
        for message, channels in runs:
            await self._publish_each(args=[message, *channels], client=pipe)
        try:
            await pipe.execute()
        except (RedisError, OSError) as exc:
            _dropped(exc, len(messages))

    async def subscribe(self, channels: Iterable[str]) -> RedisSubscription:
        if self._closed:
            raise RuntimeError("subscribe() on a closed RedisPubSub")
        sub = RedisSubscription(self)
        await self._add(sub, list(channels))
        return sub

    async def close(self) -> None:
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for subs in list(self._local.values()):
            for sub in subs:
                if not sub.closed:
                    sub.closed = True
                    sub._end()
        self._local.clear()

    @property
    def connected(self) -> bool:
        """Whether the listening connection is up (for health checks)."""
        return self._up.is_set()

    async def _add(self, sub: RedisSubscription, channels: list[str]) -> None:
        for channel in channels:
            sub.channels.add(channel)
            self._local.setdefault(channel, set()).add(sub)
        if self._task is None:
            self._task = asyncio.create_task(self._listen(), name="roost-redis-pubsub")
        try:
            # Until the first connection, the listener subscribes to what is wanted then.
            await asyncio.wait_for(self._up.wait(), self._ack_timeout)
        except TimeoutError:
            log.warning("Redis pub/sub is down; subscribing once it is back")
            return
        await self._sync(channels)
        pending = [q[-1] for c in channels if (q := self._acks.get(c))]
        if pending:
            _, late = await asyncio.wait(pending, timeout=self._ack_timeout)
            if late:
                log.warning("Redis did not confirm a subscription in %.1f s", self._ack_timeout)

    async def _remove(self, sub: RedisSubscription, channels: list[str]) -> None:
        for channel in channels:
            sub.channels.discard(channel)
            subs = self._local.get(channel)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._local[channel]
        await self._sync(channels)

    async def _sync(self, channels: list[str]) -> None:
        """Subscribe or unsubscribe the listening connection so it matches local wants."""
        async with self._lock:
            conn = self._conn
            if conn is None:
                return  # the next connect subscribes to whatever is wanted then
            unique = list(dict.fromkeys(channels))
            start = [c for c in unique if c in self._local and c not in self._remote]
            stop = [c for c in unique if c not in self._local and c in self._remote]
            try:
                if start:
                    self._expect_acks(start)
                    self._remote.update(start)
                    await conn.subscribe(*[self._prefix + c for c in start])
                if stop:
                    self._remote.difference_update(stop)
                    await conn.unsubscribe(*[self._prefix + c for c in stop])
            except Exception as exc:  # whatever failed, the listener reconnects and resyncs
                log.warning("Redis pub/sub (un)subscribe failed: %s: %s", type(exc).__name__, exc)
                with contextlib.suppress(Exception):
                    await conn.aclose()

    def _expect_acks(self, channels: Iterable[str]) -> None:
        loop = asyncio.get_running_loop()
        for channel in channels:
            self._acks.setdefault(channel, deque()).append(loop.create_future())

    async def _listen(self) -> None:
        backoff = BACKOFF_FIRST
        while True:
            conn = self._redis.pubsub()
            try:
                await self._connect(conn)
                backoff = BACKOFF_FIRST
                await self._read(conn)
            except Exception as exc:  # whatever broke (not CancelledError), start over
                log.warning(
                    "Redis pub/sub connection failed (%s: %s); retrying in %.1f s",
                    type(exc).__name__, exc, backoff,
                )  # fmt: skip
            finally:
                await self._disconnected(conn)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_MAX)

    async def _connect(self, conn: PubSubConnection) -> None:
        await conn.connect()
        async with self._lock:
            wanted = list(self._local)
            if wanted:
                self._expect_acks(wanted)
                await conn.subscribe(*[self._prefix + c for c in wanted])
            self._remote = set(wanted)
            self._conn = conn
            self._up.set()
        log.info("Redis pub/sub listening (%d channels)", len(wanted))

    async def _disconnected(self, conn: PubSubConnection) -> None:
        self._up.clear()
        self._conn = None
        self._remote.clear()
        for queue in self._acks.values():
            for future in queue:
                future.cancel()  # nobody waits forever on a lost connection
        self._acks.clear()
        with contextlib.suppress(Exception):
            await conn.aclose()

    async def _read(self, conn: PubSubConnection) -> None:
        loop = asyncio.get_running_loop()
        heard = pinged = loop.time()
        while True:
            msg: dict[str, Any] | None = await conn.get_message(timeout=min(1.0, self._ping_every))
            now = loop.time()
            if msg is None:
                if now - heard > 3 * self._ping_every:
                    raise ConnectionError("no answer to PING")
                if now - max(heard, pinged) > self._ping_every:
                    await conn.ping(PING)
                    pinged = now
                continue
            heard = now
            kind = msg["type"]
            if kind == "message":
                channel = msg["channel"][self._prefix_len :].decode()
                for sub in list(self._local.get(channel, ())):
                    sub._deliver(channel, msg["data"])
            elif kind == "subscribe":
                channel = msg["channel"][self._prefix_len :].decode()
                queue = self._acks.get(channel)
                if queue:
                    future = queue.popleft()
                    if not future.done():
                        future.set_result(None)
                    if not queue:
                        del self._acks[channel]
