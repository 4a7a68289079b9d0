"""In-process rate limit counts."""

from __future__ import annotations

import time

from roost.ratelimit import Window


class MemoryRateLimiter:
    """Per-process counts: exact for one process, per-process for several."""

    def __init__(self) -> None:
        self._hits: dict[tuple[str, int], int] = {}

    async def hit(self, key: str, limit: int, period: int, cost: int = 1) -> Window:
        now = time.time()
        window = int(now // period)
        bucket = (key, window)
        count = self._hits.get(bucket, 0) + cost
        self._hits[bucket] = count
        if len(self._hits) > 100_000:
            self._hits = {k: v for k, v in self._hits.items() if k[1] >= window}
        return Window(limit, max(0, limit - count), (window + 1) * period, count > limit)

    async def clear(self) -> None:
        self._hits.clear()
