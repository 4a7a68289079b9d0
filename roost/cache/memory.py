"""In-process cache: a dict with expiry, bounded in size."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence


class MemoryCache:
    def __init__(self, max_items: int = 50_000) -> None:
        self.max_items = max_items
        self._data: dict[str, tuple[float, bytes]] = {}

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        now = time.monotonic()
        out: list[bytes | None] = []
        for key in keys:
            entry = self._data.get(key)
            out.append(entry[1] if entry is not None and entry[0] > now else None)
        return out

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        if len(self._data) + len(items) > self.max_items:
            self._data.clear()  # crude, but bounded; Redis does real LRU at scale
        expires = time.monotonic() + ttl
        for key, value in items.items():
            self._data[key] = (expires, value)

    async def add_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        now = time.monotonic()
        fresh = {k: v for k, v in items.items() if (e := self._data.get(k)) is None or e[0] <= now}
        await self.set_many(fresh, ttl)

    async def swap_many(self, items: Mapping[str, tuple[bytes, bytes]], ttl: float) -> None:
        if ttl <= 0:
            return
        now = time.monotonic()
        fresh = {
            k: value
            for k, (expected, value) in items.items()
            if (e := self._data.get(k)) is not None and e[0] > now and e[1] == expected
        }
        await self.set_many(fresh, ttl)

    async def delete_many(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._data.pop(key, None)

    async def clear(self) -> None:
        self._data.clear()
