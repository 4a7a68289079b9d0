"""The PubSub contract, run in-process and over Redis; then what only Redis can do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlsplit, urlunsplit

import pytest
from redis.asyncio import Redis

from roost.pubsub import PubSub, Subscription
from roost.pubsub.redis import RedisPubSub
from roost.redis_client import connect
from tests.backends.conftest import RedisEnv

WAIT = 5.0  # generous: only a failing test waits this long


class Listener:
    """Reads a subscription from a task of its own, so a test can wait for messages with
    a timeout without cancelling (and so ending) the subscription's iterator."""

    def __init__(self, sub: Subscription) -> None:
        self.sub = sub
        self._got: asyncio.Queue[tuple[str, bytes] | None] = asyncio.Queue()
        self._task = asyncio.create_task(self._read())
        _listeners.append(self)

    async def _read(self) -> None:
        async for item in self.sub:
            await self._got.put(item)
        await self._got.put(None)

    async def next(self, within: float = WAIT) -> tuple[str, bytes]:
        item = await asyncio.wait_for(self._got.get(), within)
        assert item is not None, "the iteration ended"
        return item

    async def ended(self) -> bool:
        """True when the iteration ends (rather than yielding another message)."""
        return await asyncio.wait_for(self._got.get(), WAIT) is None


_listeners: list[Listener] = []


@pytest.fixture(autouse=True)
async def _stop_listeners() -> AsyncIterator[None]:
    yield
    for listener in _listeners:
        listener._task.cancel()
    _listeners.clear()


async def listen(hub: PubSub, *channels: str) -> Listener:
    return Listener(await hub.subscribe(channels))


async def test_a_message_reaches_every_subscriber(pubsub: PubSub) -> None:
    one = await listen(pubsub, "timeline:1")
    two = await listen(pubsub, "timeline:1", "timeline:public")
    await pubsub.publish("timeline:1", b"hello")
    assert await one.next() == ("timeline:1", b"hello")
    assert await two.next() == ("timeline:1", b"hello")
    await pubsub.publish("timeline:public", b"\x00\xffbinary")
    assert await two.next() == ("timeline:public", b"\x00\xffbinary")
    await pubsub.publish("timeline:1", b"again")  # one missed nothing in between
    assert await one.next() == ("timeline:1", b"again")


async def test_publish_many(pubsub: PubSub) -> None:
    a = await listen(pubsub, "timeline:1", "timeline:2")
    b = await listen(pubsub, "timeline:2")
    batch = [("timeline:1", b"x"), ("timeline:3", b"nobody"), ("timeline:2", b"y")]
    await pubsub.publish_many(batch * 700)  # more than one round trip's worth on Redis
    await pubsub.publish_many([])
    assert [await a.next() for _ in range(4)] == [
        ("timeline:1", b"x"), ("timeline:2", b"y"), ("timeline:1", b"x"), ("timeline:2", b"y")
    ]  # fmt: skip
    assert [await b.next() for _ in range(700)] == [("timeline:2", b"y")] * 700


async def test_other_channels_do_not_arrive(pubsub: PubSub) -> None:
    a = await listen(pubsub, "timeline:hashtag:cats")
    await pubsub.publish("timeline:hashtag:dogs", b"woof")
    await pubsub.publish("timeline:hashtag:cats:local", b"local")
    await pubsub.publish("timeline:hashtag:cats", b"meow")
    assert await a.next() == ("timeline:hashtag:cats", b"meow")


async def test_nothing_published_before_subscribing_arrives(pubsub: PubSub) -> None:
    await pubsub.publish("timeline:2", b"too early")
    a = await listen(pubsub, "timeline:2")
    await pubsub.publish("timeline:2", b"on time")
    assert await a.next() == ("timeline:2", b"on time")
    await pubsub.publish("timeline:3", b"nobody listens")  # publishing to no one is fine


async def test_order_within_a_channel_is_kept(pubsub: PubSub) -> None:
    a = await listen(pubsub, "timeline:public")
    for i in range(200):
        await pubsub.publish("timeline:public", b"%d" % i)
    assert [(await a.next())[1] for _ in range(200)] == [b"%d" % i for i in range(200)]


async def test_add_and_remove_channels(pubsub: PubSub) -> None:
    sub = await pubsub.subscribe(["timeline:1"])
    a = Listener(sub)
    await sub.add(["timeline:2", "timeline:3"])
    await pubsub.publish("timeline:2", b"two")
    assert await a.next() == ("timeline:2", b"two")
    await sub.remove(["timeline:1", "timeline:3", "timeline:never-added"])
    await pubsub.publish("timeline:1", b"removed")
    await pubsub.publish("timeline:3", b"removed")
    await pubsub.publish("timeline:2", b"kept")
    assert await a.next() == ("timeline:2", b"kept")
    await sub.add(["timeline:1"])  # back again
    await pubsub.publish("timeline:1", b"back")
    assert await a.next() == ("timeline:1", b"back")
    await sub.close()


async def test_removing_a_channel_leaves_other_subscribers_of_it(pubsub: PubSub) -> None:
    leaving = await pubsub.subscribe(["timeline:public"])
    staying = await listen(pubsub, "timeline:public")
    await leaving.remove(["timeline:public"])
    await leaving.close()
    await pubsub.publish("timeline:public", b"still here")
    assert await staying.next() == ("timeline:public", b"still here")


async def test_close_ends_the_iteration(pubsub: PubSub) -> None:
    a = await listen(pubsub, "timeline:1")
    b = await listen(pubsub, "timeline:1")
    await asyncio.sleep(0.01)  # the iteration is waiting for a message
    await a.sub.close()
    assert await a.ended()
    await a.sub.close()  # twice is fine
    await pubsub.publish("timeline:1", b"after")
    assert await b.next() == ("timeline:1", b"after")  # the other one goes on
    await b.sub.close()
    assert await b.ended()


# Redis only: many processes, one connection per process, reconnection.


async def test_a_publish_reaches_subscribers_in_other_processes(
    redis: Redis, redis_prefix: str
) -> None:
    here, there = RedisPubSub(redis, prefix=redis_prefix), RedisPubSub(redis, prefix=redis_prefix)
    elsewhere = RedisPubSub(redis, prefix=redis_prefix + "other:")  # another instance
    try:
        a = await listen(there, "timeline:1")
        stranger = await listen(elsewhere, "timeline:1")
        await here.publish("timeline:1", b"from afar")
        assert await a.next() == ("timeline:1", b"from afar")
        await elsewhere.publish("timeline:1", b"own instance")
        assert await stranger.next() == ("timeline:1", b"own instance")
    finally:
        for hub in (here, there, elsewhere):
            await hub.close()


async def _numsub(redis: Redis, channel: str) -> int:
    [(_, count)] = await redis.pubsub_numsub(channel)
    return int(count)


async def test_one_redis_subscription_per_channel_per_process(
    redis: Redis, redis_prefix: str
) -> None:
    hub = RedisPubSub(redis, prefix=redis_prefix)
    channel = redis_prefix + "timeline:public"
    try:
        subs = [await hub.subscribe(["timeline:public"]) for _ in range(50)]
        assert await _numsub(redis, channel) == 1
        for sub in subs[:-1]:
            await sub.close()
        assert await _numsub(redis, channel) == 1
        await subs[-1].close()
        # UNSUBSCRIBE is sent without waiting for its answer.
        for _ in range(100):
            if await _numsub(redis, channel) == 0:
                break
            await asyncio.sleep(0.01)
        assert await _numsub(redis, channel) == 0
    finally:
        await hub.close()


async def test_closing_the_hub_ends_its_subscriptions(redis: Redis, redis_prefix: str) -> None:
    hub = RedisPubSub(redis, prefix=redis_prefix)
    a = await listen(hub, "timeline:1")
    await hub.close()
    assert await a.ended()


async def test_listening_survives_a_dropped_connection(
    redis_env: RedisEnv, redis_prefix: str
) -> None:
    redis_env.require()
    name = redis_prefix.replace(":", "-") + "listener"
    client = connect(redis_env.url, client_name=name)
    hub = RedisPubSub(client, prefix=redis_prefix)
    try:
        a = await listen(hub, "timeline:1")
        await hub.publish("timeline:1", b"before")
        assert await a.next() == ("timeline:1", b"before")
        listeners = [c for c in await client.client_list("pubsub") if c["name"] == name]
        assert len(listeners) == 1
        await client.client_kill_filter(_id=listeners[0]["id"])
        received: tuple[str, bytes] | None = None
        for i in range(200):  # publishes are lost while it reconnects: keep trying
            await hub.publish("timeline:1", b"after %d" % i)
            try:
                received = await a.next(within=0.05)
                break
            except TimeoutError:
                pass
        assert received is not None
        assert received[1].startswith(b"after")
    finally:
        await hub.close()
        await client.aclose()


class Link:
    def __init__(self, *writers: asyncio.StreamWriter) -> None:
        self.writers = writers
        self.frozen = False


class Proxy:
    """A TCP relay to Redis that a test can break: `cut()` drops every connection and
    refuses new ones until `restore()`; `freeze()` silently stops relaying on the current
    connections (half-open: nothing errors, nothing arrives) while new ones work; `delay`
    slows every connection down."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.down = False
        self.delay = 0.0  # seconds added to every relayed chunk: a slow network
        self._links: set[Link] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.down:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(self.host, self.port)
        link = Link(writer, up_writer)
        self._links.add(link)
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._relay(link, src, dst))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _relay(
        self, link: Link, src: asyncio.StreamReader, dst: asyncio.StreamWriter
    ) -> None:
        try:
            while data := await src.read(65536):
                if self.delay:
                    await asyncio.sleep(self.delay)
                if not link.frozen:
                    dst.write(data)
                    await dst.drain()
        except OSError:
            pass
        finally:
            dst.close()

    def cut(self) -> None:
        self.down = True
        for link in self._links:
            for writer in link.writers:
                writer.close()
        self._links.clear()

    def restore(self) -> None:
        self.down = False

    def freeze(self) -> None:
        for link in self._links:
            link.frozen = True

    async def close(self) -> None:
        self.cut()
        for task in list(self._tasks):
            task.cancel()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


@pytest.fixture
async def proxy(redis_env: RedisEnv) -> AsyncIterator[tuple[Proxy, str]]:
    """A breakable relay to the test Redis, and the URL to reach Redis through it."""
    redis_env.require()
    url = urlsplit(redis_env.url)
    if url.scheme != "redis" or url.hostname is None:
        pytest.skip(f"the relay speaks plain TCP, not {url.scheme}")
    relay = Proxy(url.hostname, url.port or 6379)
    port = await relay.start()
    netloc = url.netloc.rsplit("@", 1)[0] + "@" if "@" in url.netloc else ""
    yield relay, urlunsplit(url._replace(netloc=f"{netloc}127.0.0.1:{port}"))
    await relay.close()


async def wait_until(condition: Callable[[], bool], within: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def publish_until_heard(
    redis: Redis, prefix: str, listener: Listener, channel: str
) -> tuple[str, bytes]:
    """Publish (straight to Redis) until `listener` hears one: some are lost meanwhile."""
    for i in range(300):
        await redis.publish(prefix + channel, b"try %d" % i)
        try:
            return await listener.next(within=0.05)
        except TimeoutError:
            pass
    raise AssertionError("never heard")


async def test_listening_resumes_after_redis_was_down(
    proxy: tuple[Proxy, str], redis: Redis, redis_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    relay, url = proxy
    client = connect(url)
    hub = RedisPubSub(client, prefix=redis_prefix, ack_timeout=0.3)
    try:
        a = await listen(hub, "timeline:1")
        await hub.publish("timeline:1", b"before")
        assert await a.next() == ("timeline:1", b"before")

        relay.cut()
        await wait_until(lambda: not hub.connected)
        assert "Redis pub/sub connection failed" in caplog.text
        late = await listen(hub, "timeline:2")  # subscribing while down: returns anyway
        await hub.publish("timeline:1", b"lost")  # publishing while down: dropped, no error
        await hub.publish_many([("timeline:1", b"lost")] * 3)
        assert "message(s) dropped" in caplog.text
        relay.restore()
        await wait_until(lambda: hub.connected)

        assert (await publish_until_heard(redis, redis_prefix, a, "timeline:1"))[1][:3] == b"try"
        heard = await publish_until_heard(redis, redis_prefix, late, "timeline:2")
        assert heard[0] == "timeline:2"
    finally:
        await hub.close()
        await client.aclose()


async def test_subscribe_waits_for_redis_to_confirm(
    proxy: tuple[Proxy, str], redis: Redis, redis_prefix: str
) -> None:
    relay, url = proxy
    client = connect(url)
    hub = RedisPubSub(client, prefix=redis_prefix)
    try:
        await hub.subscribe(["warm-up"])
        relay.delay = 0.05  # SUBSCRIBE reaches Redis well after a direct PUBLISH would
        a = await listen(hub, "timeline:1")
        await redis.publish(f"{redis_prefix}timeline:1", b"right after")
        assert await a.next() == ("timeline:1", b"right after")
    finally:
        await hub.close()
        await client.aclose()


async def test_a_silent_connection_is_noticed_and_replaced(
    proxy: tuple[Proxy, str], redis: Redis, redis_prefix: str
) -> None:
    relay, url = proxy
    client = connect(url)
    hub = RedisPubSub(client, prefix=redis_prefix, ping_every=0.1)
    try:
        a = await listen(hub, "timeline:1")
        relay.freeze()  # no error, no data: only the missing PING answers tell
        await wait_until(lambda: not hub.connected, within=5)
        heard = await publish_until_heard(redis, redis_prefix, a, "timeline:1")
        assert heard[0] == "timeline:1"
    finally:
        await hub.close()
        await client.aclose()
