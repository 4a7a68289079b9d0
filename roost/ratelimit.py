"""Fixed-window rate limits, in-process (the scale-out issue adds Redis storage)."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class Window:
    limit: int
    remaining: int
    reset_at: float  # unix seconds
    exceeded: bool


class RateLimiter:
    """Counts hits per key in fixed windows of `period` seconds."""

    def __init__(self) -> None:
        self._hits: dict[tuple[str, int], int] = {}

    def hit(self, key: str, limit: int, period: int, cost: int = 1) -> Window:
        now = time.time()
        window = int(now // period)
        bucket = (key, window)
        count = self._hits.get(bucket, 0) + cost
        self._hits[bucket] = count
        if len(self._hits) > 100_000:
            self._hits = {k: v for k, v in self._hits.items() if k[1] >= window}
        return Window(limit, max(0, limit - count), (window + 1) * period, count > limit)

    def clear(self) -> None:
        self._hits.clear()
