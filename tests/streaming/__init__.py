"""Helpers for streaming tests: a real uvicorn server in this process and event loop (so it
shares the test's database and pub/sub), an SSE reader, and pub/sub inspection."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn

from roost.app import create_app
from roost.instance import Roost
from roost.pubsub import Event, encode_event
from roost.pubsub.memory import MemoryPubSub

TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@asynccontextmanager
async def serve(roost: Roost) -> AsyncIterator[str]:
    """Serve the app on a free port; yields "127.0.0.1:port"."""
    port = free_port()
    config = uvicorn.Config(
        create_app(roost.settings, roost),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_config=None,
        log_level="warning",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(TIMEOUT):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.01)
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def publish(roost: Roost, channel: str, event: str, id: str | int = "") -> None:
    await roost.pubsub.publish(channel, encode_event(Event(event=event, id=str(id))))


def subscribers(roost: Roost, channel: str) -> int:
    """How many subscriptions listen on `channel` (the in-process pub/sub only)."""
    if not isinstance(roost.pubsub, MemoryPubSub):
        pytest.skip("subscriber counts are inspected on the in-process pub/sub only")
    return len(roost.pubsub._subscribers.get(channel, ()))


async def until(check: Callable[[], bool]) -> None:
    """Wait (up to TIMEOUT) for `check()` to hold."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            if check():
                return
            await asyncio.sleep(0.01)


class EventSource:
    """Reads a text/event-stream response: raw text, comments and events."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.raw = ""
        self._chunks = response.aiter_text()
        self._pending = ""

    async def line(self) -> str:
        """The next line (EOFError once the server ends the stream)."""
        async with asyncio.timeout(TIMEOUT):
            while "\n" not in self._pending:
                try:
                    chunk = await anext(self._chunks)
                except StopAsyncIteration:
                    raise EOFError("the stream ended") from None
                self.raw += chunk
                self._pending += chunk
        line, self._pending = self._pending.split("\n", 1)
        return line

    async def rest(self) -> str:
        """Everything until the server ends the stream."""
        lines = []
        with contextlib.suppress(EOFError):
            while True:
                lines.append(await self.line())
        return "\n".join(lines)

    async def event(self) -> tuple[str, str]:
        """The next event's (name, data), skipping comments and blank lines."""
        name = data = None
        while True:
            line = await self.line()
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and name is not None and data is not None:
                return name, data

    async def status_event(self) -> tuple[str, dict[str, Any]]:
        name, data = await self.event()
        payload: dict[str, Any] = json.loads(data)
        return name, payload
