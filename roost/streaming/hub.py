"""One streaming client's streams, fed by one pub/sub subscription and rendered for it.

Pub/sub messages carry ids only. Each listener renders what arrives for its own viewer,
through the same visibility rules as every other read (`StatusRenderer.visible`:
visibility, blocks, mutes), and drops what its viewer may not see.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import msgspec

from roost.announcements.queries import access_announcements, reaction_count
from roost.conversations.queries import access_conversation, render_conversations
from roost.errors import NotFound
from roost.monitoring.metrics import STREAMING_CONNECTIONS
from roost.notifications.queries import access_notification, render_notifications
from roost.oauth.queries import Viewer
from roost.pubsub import Event, Subscription, decode_event
from roost.statuses.entities import Status
from roost.streaming.streams import Stream, token_channel

if TYPE_CHECKING:
    from roost.instance import Roost

log = logging.getLogger(__name__)
_encoder = msgspec.json.Encoder()
STATUS_EVENTS = ("update", "status.update")


@dataclass(frozen=True)
class Message:
    """One event for the client: `payload` is a JSON document as a string, a status id
    (`delete`), or None (`filters_changed`)."""

    stream: tuple[str, ...]
    event: str
    payload: str | None


class Listener:
    """A client's streams over one subscription. Close it when the client goes."""

    def __init__(self, roost: Roost, viewer: Viewer, subscription: Subscription) -> None:
        self.roost = roost
        self.viewer = viewer
        self.viewer_id = viewer.account_id
        self.streams: dict[tuple[str, tuple[str, ...]], Stream] = {}
        self._subscription = subscription
        self._kill = token_channel(viewer.token_id)
        self._open = True
        STREAMING_CONNECTIONS.inc()

    @classmethod
    async def open(cls, roost: Roost, viewer: Viewer) -> Listener:
        """Listen for the viewer (a user token): to no stream yet, but to its token's `kill`."""
        subscription = await roost.pubsub.subscribe([token_channel(viewer.token_id)])
        return cls(roost, viewer, subscription)

    def _channels(self) -> set[str]:
        return {c for s in self.streams.values() for c in s.channels}

    async def add(self, stream: Stream) -> None:
        """Also listen to `stream` (a no-op if already listening)."""
        if stream.key in self.streams:
            return
        new = [c for c in stream.channels if c not in self._channels()]
        self.streams[stream.key] = stream
        if new:
            await self._subscription.add(new)

    async def remove(self, stream: Stream) -> None:
        """Stop listening to `stream` (a no-op if not listening)."""
        if self.streams.pop(stream.key, None) is None:
            return
        still = self._channels()
        gone = [c for c in stream.channels if c not in still]
        if gone:
            await self._subscription.remove(gone)

    async def close(self) -> None:
        if self._open:
            self._open = False
            STREAMING_CONNECTIONS.dec()
        self.streams.clear()
        await self._subscription.close()

    async def messages(self, heartbeat: float | None = None) -> AsyncIterator[Message | None]:
        """Messages for the client as events arrive; None every `heartbeat` seconds.

        Ends when the subscription closes, the token is revoked (a `kill` event), or the
        process is stopping (`Roost.closing`).
        """
        incoming = aiter(self._subscription)
        pending: asyncio.Task[tuple[str, bytes]] | None = None
        closing = asyncio.ensure_future(self.roost.closing.wait())
        next_beat = None if heartbeat is None else time.monotonic() + heartbeat
        try:
            while True:
                if pending is None:
                    pending = asyncio.ensure_future(anext(incoming))
                timeout = None
                if heartbeat is not None and next_beat is not None:
                    timeout = max(0.0, next_beat - time.monotonic())
                done, _ = await asyncio.wait(
                    {pending, closing}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                if closing in done:
                    return
                if not done:
                    assert next_beat is not None
                    assert heartbeat is not None
                    next_beat += heartbeat
                    yield None
                    continue
                arrived, pending = pending, None  # done: `closing` is not
                try:
                    channel, data = arrived.result()
                except StopAsyncIteration:
                    return
                except Exception:  # the backend failed (Redis gone): end; clients reconnect
                    log.exception("pub/sub subscription failed")
                    return
                try:
                    event = decode_event(data)
                except msgspec.DecodeError:
                    log.warning("undecodable message on %s", channel)
                    continue
                if channel == self._kill:
                    if event.event == "kill":
                        return
                    continue
                for message in await self._render(channel, event):
                    yield message
        finally:
            closing.cancel()
            if pending is not None:
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await pending

    async def _render(self, channel: str, event: Event) -> list[Message]:
        streams = [s for s in self.streams.values() if channel in s.channels]
        if not streams:
            return []
        try:
            return await self._render_for(streams, event)
        except Exception:  # one bad event must not end the client's stream
            log.exception("could not render %s %s on %s", event.event, event.id, channel)
            return []

    async def _render_for(self, streams: list[Stream], event: Event) -> list[Message]:
        out: list[Message] = []
        if event.event in STATUS_EVENTS:
            status = await self._status(event.id)
            if status is None:
                return out
            hidden: frozenset[str] = frozenset()
            if self.viewer_id is not None:  # the viewer's filters: `home` on user and lists
                status, hidden = await self.roost.statuses.filters.check(self.viewer_id, status)
            payload = _encoder.encode(status).decode()
            for stream in streams:
                if stream.statuses is None:
                    continue
                if hidden and ("home" if stream.statuses == "visible" else "public") in hidden:
                    continue
                if stream.statuses == "public" and status.visibility != "public":
                    continue
                if stream.only_media and not (status.reblog or status).media_attachments:
                    continue
                out.append(Message(stream.label, event.event, payload))
        elif event.event == "delete":
            out = [Message(s.label, "delete", event.id) for s in streams if s.statuses and event.id]
        elif event.event == "notification":
            wanted = [s for s in streams if s.notifications]
            notification = await self._notification(event.id) if wanted else None
            if notification is not None:
                out = [Message(s.label, "notification", notification) for s in wanted]
        elif event.event == "conversation":
            wanted = [s for s in streams if s.conversations]
            conversation = await self._conversation(event.id) if wanted else None
            if conversation is not None:
                out = [Message(s.label, "conversation", conversation) for s in wanted]
        elif event.event == "notifications_merged":  # a request was accepted
            wanted = [s for s in streams if s.notifications]
            out = [Message(s.label, "notifications_merged", "1") for s in wanted]
        elif event.event == "filters_changed":
            out = [Message(s.label, "filters_changed", None) for s in streams if s.filters]
        elif event.event.startswith("announcement"):
            wanted = [s for s in streams if s.announcements]
            shown = await self._announcement(event) if wanted else None
            if shown is not None:
                out = [Message(s.label, event.event, shown) for s in wanted]
        return out

    async def _announcement(self, event: Event) -> str | None:
        """`announcement` (rendered for the viewer), `announcement.reaction` (its new
        count) or `announcement.delete` (the id), as Mastodon's streams send them."""
        raw_id, _, name = event.id.partition(" ")
        if not (raw_id.isascii() and raw_id.isdigit()) or self.viewer_id is None:
            return None
        if event.event == "announcement.delete":
            return raw_id
        if event.event == "announcement.reaction" and name:
            count = await reaction_count(self.roost.db, int(raw_id), name)
            return _encoder.encode(count).decode()
        if event.event == "announcement":
            found = await access_announcements(self.roost.db, self.viewer_id, int(raw_id))
            return _encoder.encode(found[0]).decode() if found else None
        return None

    async def _status(self, raw_id: str) -> Status | None:
        """The status as the viewer's timelines would show it, or None if they would not."""
        if not (raw_id.isascii() and raw_id.isdigit()):
            return None
        found = await self.roost.statuses.visible(self.viewer_id, [int(raw_id)], hide_muted=True)
        return found[0] if found else None

    async def _conversation(self, raw_id: str) -> str | None:
        """The viewer's conversation `raw_id` (a thread's id), rendered, or None."""
        if not (raw_id.isascii() and raw_id.isdigit()) or self.viewer_id is None:
            return None
        try:
            row = await access_conversation(self.roost.db, self.viewer_id, int(raw_id))
        except NotFound:
            return None
        found = await render_conversations(
            self.roost.accounts, self.roost.statuses, self.viewer_id, [row]
        )
        return _encoder.encode(found[0]).decode()

    async def _notification(self, raw_id: str) -> str | None:
        if not (raw_id.isascii() and raw_id.isdigit()) or self.viewer_id is None:
            return None
        try:
            row = await access_notification(self.roost.db, self.viewer_id, int(raw_id))
        except NotFound:
            return None
        found = await render_notifications(self.roost.statuses, self.viewer_id, [row])
        return _encoder.encode(found[0]).decode() if found else None
