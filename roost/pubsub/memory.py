"""In-process pub/sub: asyncio queues, for a single-process instance."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable, Sequence

QUEUE_SIZE = 1000  # a subscriber this far behind loses messages rather than memory


class MemorySubscription:
    def __init__(self, hub: MemoryPubSub, channels: Iterable[str]) -> None:
        self._hub = hub
        self.channels: set[str] = set()
        self.queue: asyncio.Queue[tuple[str, bytes] | None] = asyncio.Queue(QUEUE_SIZE)
        self._closed = False
        self._add(channels)

    def _add(self, channels: Iterable[str]) -> None:
        for channel in channels:
            self.channels.add(channel)
            self._hub._subscribers.setdefault(channel, set()).add(self)

    async def add(self, channels: Iterable[str]) -> None:
        self._add(channels)

    async def remove(self, channels: Iterable[str]) -> None:
        for channel in channels:
            self.channels.discard(channel)
            subs = self._hub._subscribers.get(channel)
            if subs is not None:
                subs.discard(self)
                if not subs:
                    del self._hub._subscribers[channel]

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self.remove(list(self.channels))
        if self.queue.full():
            # Make room for the end marker: a closed subscriber wants no more messages.
            self.queue.get_nowait()
        self.queue.put_nowait(None)

    async def __aiter__(self) -> AsyncIterator[tuple[str, bytes]]:
        while True:
            item = await self.queue.get()
            if item is None:
                return
            yield item


class MemoryPubSub:
    """Publish reaches subscribers of this process only (embedded, single process)."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[MemorySubscription]] = {}

    async def publish(self, channel: str, message: bytes) -> None:
        for sub in list(self._subscribers.get(channel, ())):
            # A stalled client drops events; it can re-fetch the timeline.
            with contextlib.suppress(asyncio.QueueFull):
                sub.queue.put_nowait((channel, message))

    async def publish_many(self, messages: Sequence[tuple[str, bytes]]) -> None:
        for channel, message in messages:
            await self.publish(channel, message)

    async def subscribe(self, channels: Iterable[str]) -> MemorySubscription:
        return MemorySubscription(self, channels)

    async def close(self) -> None:
        for subs in list(self._subscribers.values()):
            for sub in list(subs):
                await sub.close()
        self._subscribers.clear()
