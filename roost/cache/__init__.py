"""A byte cache with expiry (rendered statuses, accounts): in-process or Redis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class Cache(Protocol):
    """get/set/delete many keys at once: every caller works on a page of keys."""

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values of `keys`, None where absent or expired."""

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        """Store values for `ttl` seconds."""

    async def add_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        """Store values only for keys that hold nothing now (a fill never overwrites an
        invalidation marker: see roost.statuses.render)."""

    async def swap_many(self, items: Mapping[str, tuple[bytes, bytes]], ttl: float) -> None:
        """For each key, (expected, value): store `value` only where the key still holds
        `expected` (a fill that read an invalidation's marker replaces that marker, and
        only it: a newer invalidation's marker stays)."""

    async def delete_many(self, keys: Sequence[str]) -> None:
        """Forget keys (invalidation)."""

    async def clear(self) -> None:
        """Forget everything (tests, `roost doctor --fix`)."""
