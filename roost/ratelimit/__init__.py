"""Fixed-window rate limits behind one Protocol: in-process, or Redis at scale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass
class Window:
    limit: int
    remaining: int
    reset_at: float  # unix seconds
    exceeded: bool


class RateLimiter(Protocol):
    """Counts hits per key in fixed windows of `period` seconds."""

    async def hit(self, key: str, limit: int, period: int, cost: int = 1) -> Window:
        """Count `cost` hits against `key` and say where the window stands."""

    async def clear(self) -> None:
        """Forget all counts."""
