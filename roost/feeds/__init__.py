"""Feeds behind one Protocol: a SQL table when embedded, Redis sorted sets at scale.

Two kinds, each its own store: home feeds (owned by accounts) and list feeds (owned by
lists; roost.lists.feed). An owner id names a feed within its kind only.

A feed holds (status id, author id) entries, newest first, capped at FEED_CAP (reads never
return more; the SQL store deletes what falls past the cap on about one push in eight,
where the walk to find it was most of a push into full feeds). The author
is who put the entry there (the poster, or the booster), so unfollowing removes by author.
A feed may be absent (never built, Redis flushed, owner inactive): `page` then answers
None and the caller rebuilds it from SQL, so the feed store is never the only copy of
anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

FEED_CAP = 800  # Twitter's and Mastodon's figure

FeedKind = Literal["home", "list"]


class FeedStore(Protocol):
    async def push(self, owner_ids: Sequence[int], status_id: int, author_id: int) -> None:
        """Add one status to many present feeds (a fan-out batch), each capped at FEED_CAP.
        Idempotent: pushing an entry twice keeps one. Absent feeds stay absent."""

    async def push_many(self, pushes: Sequence[tuple[Sequence[int], int, int]]) -> None:
        """`push` for several (owner_ids, status_id, author_id), as one write where the store
        can (a fan-out of several posts at once)."""

    async def fill(self, owner_id: int, entries: Sequence[tuple[int, int]]) -> None:
        """Make `owner_id`'s feed present, adding (status_id, author_id) entries (rebuild,
        backfill on follow). Keeps existing entries; caps at FEED_CAP."""

    async def remove(self, owner_ids: Sequence[int], entries: Sequence[tuple[int, int]]) -> None:
        """Remove (status_id, author_id) entries from these feeds (deletes, unboosts)."""

    async def remove_author(self, owner_id: int, author_id: int) -> None:
        """Remove every entry `author_id` put in `owner_id`'s feed (unfollow, block, mute)."""

    async def page(
        self,
        owner_id: int,
        *,
        max_id: int | None = None,
        since_id: int | None = None,
        min_id: int | None = None,
        limit: int = 20,
    ) -> list[int] | None:
        """Status ids, newest first (with `min_id`: the `limit` entries just above it,
        still returned newest first); None when the feed is absent."""

    async def drop(self, owner_id: int) -> None:
        """Make the feed absent (an inactive account's, or to force a rebuild)."""

    async def clear(self) -> None:
        """Drop every feed (tests)."""
