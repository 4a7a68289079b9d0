"""One pipelined Redis connection per process for the hot reads of every request.

redis-py spends ~120 µs of a core on each command (pool checkout, packing, parsing and
release); a home page makes four (rate limit, feed, filters, statuses), a third of the
request's CPU. Here every coroutine writes its command to one shared connection at once
and awaits a future; Redis answers in order, so each reply goes to the oldest waiting
future (~55 µs a command, and no connection per concurrent request). Only short,
non-blocking commands belong here: `MGET` and the read scripts (and the rate limit's
INCRBY script). Writes, pipelines, SCAN and pub/sub stay on redis-py (roost.redis_client).

Errors are redis-py's, so roost.outage's breaker treats both alike: `ConnectionError`
when the connection cannot be made or is lost (every waiting command fails; the next
one connects again), `TimeoutError` when no reply comes within the command timeout (the
connection is then dropped: what it still owes would answer the wrong commands), and
`ResponseError` (`NoScriptError`) for an error reply.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from collections import deque
from typing import Any, cast

import hiredis
from redis.connection import SSLConnection, UnixDomainSocketConnection, parse_url
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from roost.redis_client import COMMAND_TIMEOUT, CONNECT_TIMEOUT


def _pack(args: tuple[Any, ...]) -> bytes:
    packed: bytes = hiredis.pack_command(args)
    return packed


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.reader = hiredis.Reader()
        self.waiting: deque[asyncio.Future[Any]] = deque()
        self.transport: asyncio.Transport | None = None

    def request(self, args: tuple[Any, ...]) -> asyncio.Future[Any]:
        """Write one command; the future its reply will settle."""
        assert self.transport is not None
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        self.transport.write(_pack(args))
        return future

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        while (reply := self.reader.gets()) is not False:
            if not self.waiting:  # a reply nobody asked for: the stream is out of step
                self.drop(RedisConnectionError("Redis sent an unexpected reply"))
                return
            future = self.waiting.popleft()
            if not future.done():  # a caller that timed out or was cancelled is gone
                future.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.fail(RedisConnectionError(f"Redis connection lost: {exc or 'closed'}"))

    def fail(self, error: Exception) -> None:
        while self.waiting:
            future = self.waiting.popleft()
            if not future.done():
                future.set_exception(error)

    def drop(self, error: Exception) -> None:
        transport, self.transport = self.transport, None
        if transport is not None:
            transport.abort()
        self.fail(error)


class _CannotConnect(RedisConnectionError):
    """No connection could be made (not worth a second try at once)."""


class Script:
    """A Lua script for `PipelinedRedis.evalsha`: run by its digest, loaded when Redis
    does not know it (a restart forgets loaded scripts)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()


class PipelinedRedis:
    """The pipelined connection (see the module). Connects on first use, and again after
    a loss; bound to the event loop it connected in (another loop gets its own)."""

    def __init__(
        self,
        url: str,
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        timeout: float = COMMAND_TIMEOUT,
    ) -> None:
        self._options = parse_url(url)  # type: ignore[no-untyped-call]
        self._connect_timeout = connect_timeout
        self._timeout = timeout
        self._protocol: _Protocol | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connecting: asyncio.Lock | None = None

    async def execute(self, *args: str | bytes | int | float) -> Any:
        """One command's reply (bytes, int, a list of them, or None). A connection found
        lost (Redis restarted, an idle connection cut) is made again once, and the
        command sent again: the commands here read, or count a request."""
        try:
            return await self._execute(args)
        except _CannotConnect:
            raise
        except RedisConnectionError:
            return await self._execute(args)

    async def _execute(self, args: tuple[str | bytes | int | float, ...]) -> Any:
        protocol = await self._connected()
        try:
            reply = await asyncio.wait_for(protocol.request(args), self._timeout)
        except TimeoutError:
            protocol.drop(RedisConnectionError("Redis connection dropped after a timeout"))
            raise RedisTimeoutError(f"no reply from Redis within {self._timeout:g} s") from None
        if isinstance(reply, hiredis.ReplyError):
            message = str(reply)
            if message.startswith("NOSCRIPT"):
                raise NoScriptError(message)
            raise ResponseError(message)
        return reply

    async def evalsha(
        self, script: Script, keys: list[str], args: list[str | bytes | int | float]
    ) -> Any:
        """The script's reply; loads it first if Redis does not know it."""
        try:
            return await self.execute("EVALSHA", script.sha, len(keys), *keys, *args)
        except NoScriptError:
            await self.execute("SCRIPT", "LOAD", script.source)
            return await self.execute("EVALSHA", script.sha, len(keys), *keys, *args)

    async def close(self) -> None:
        protocol, self._protocol = self._protocol, None
        if protocol is not None:
            protocol.drop(RedisConnectionError("Redis connection closed"))

    async def _connected(self) -> _Protocol:
        loop = asyncio.get_running_loop()
        protocol = self._protocol
        if protocol is not None and protocol.transport is not None and self._loop is loop:
            return protocol
        if self._loop is not loop or self._connecting is None:
            self._loop, self._connecting, self._protocol = loop, asyncio.Lock(), None
        async with self._connecting:
            protocol = self._protocol
            if protocol is None or protocol.transport is None:
                try:
                    protocol = await asyncio.wait_for(self._connect(loop), self._connect_timeout)
                except (OSError, TimeoutError) as exc:
                    raise _CannotConnect(f"cannot connect to Redis: {exc}") from exc
                self._protocol = protocol
            return protocol

    async def _connect(self, loop: asyncio.AbstractEventLoop) -> _Protocol:
        o = self._options
        if o.get("connection_class") is UnixDomainSocketConnection:
            _, protocol = await loop.create_unix_connection(_Protocol, o["path"])
        else:
            tls = None
            if o.get("connection_class") is SSLConnection:
                tls = ssl.create_default_context()
            _, protocol = await loop.create_connection(
                _Protocol, o.get("host", "localhost"), int(o.get("port", 6379)), ssl=tls
            )
        # Before any caller's command: the handshake's replies come first.
        setup: list[tuple[Any, ...]] = []
        if o.get("password"):
            user = o.get("username")
            setup.append(("AUTH", user, o["password"]) if user else ("AUTH", o["password"]))
        if int(o.get("db") or 0):
            setup.append(("SELECT", int(o["db"])))
        for command in setup:
            reply = await protocol.request(command)
            if isinstance(reply, hiredis.ReplyError):
                protocol.drop(RedisConnectionError(str(reply)))
                raise OSError(f"Redis refused {command[0]}: {reply}")
        return protocol
