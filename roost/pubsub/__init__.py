"""Publish/subscribe for live updates: in-process when embedded, Redis when scaled out.

Channels follow Mastodon's streaming names: `timeline:{account_id}` (a user's home and
notifications), `timeline:direct:{account_id}`, `timeline:public`, `timeline:public:local`,
`timeline:hashtag:{name}`, `timeline:hashtag:{name}:local`. Messages are `Event`s encoded as
JSON; they carry ids, not rendered statuses, so each subscriber renders what it receives
for its own viewer, through the same visibility rules as every other read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Protocol

import msgspec


class Event(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One streaming event: `update`, `delete`, `notification`, `status.update`,
    `filters_changed`. `id` is the status id (update, delete, status.update) or the
    notification id (notification)."""

    event: str
    id: str = ""


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Event)


def encode_event(event: Event) -> bytes:
    return _encoder.encode(event)


def decode_event(data: bytes) -> Event:
    return _decoder.decode(data)


class Subscription(Protocol):
    """Messages on a set of channels, from the moment `subscribe` returned."""

    def __aiter__(self) -> AsyncIterator[tuple[str, bytes]]: ...

    async def add(self, channels: Iterable[str]) -> None:
        """Also receive these channels (the WebSocket `subscribe` message)."""

    async def remove(self, channels: Iterable[str]) -> None:
        """Stop receiving these channels."""

    async def close(self) -> None:
        """Stop receiving; the iterator ends."""


class PubSub(Protocol):
    """Fire-and-forget messages to whoever listens now, in any process of the instance."""

    async def publish(self, channel: str, message: bytes) -> None:
        """Send `message` to every current subscriber of `channel`."""

    async def publish_many(self, messages: Sequence[tuple[str, bytes]]) -> None:
        """Publish many (channel, message) pairs at once (fan-out; pipelined on Redis)."""

    async def subscribe(self, channels: Iterable[str]) -> Subscription:
        """Start receiving `channels`; close the subscription when done."""

    async def close(self) -> None:
        """Release connections."""
