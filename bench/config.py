"""What a run measures: the quick and full presets, and what the POST benchmark posts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench import gen


@dataclass
class Config:
    mode: str
    users: int
    sizes: list[int]
    fanout: list[int]
    fan_feed_depth: int
    fanout_full: int  # followers of the tier whose followers' feeds are full
    seconds: float  # each measured wrk run at the largest size
    scale_seconds: float  # home-timeline runs at the smaller sizes
    compare_rounds: int  # alternating rounds of plain / rich / filtered home (measure.py)
    compare_seconds: float  # each run of those rounds
    warmup: float
    connections: int
    seed: int
    profile: bool
    keep: bool
    drain_timeout: float
    backends: list[str]
    report: bool


QUICK: dict[str, Any] = {
    "users": 1000,
    "sizes": [10_000, 30_000],
    "fanout": [1000, 10_000],
    "fan_feed_depth": 10,
    "fanout_full": 200,
    "seconds": 5.0,
    "scale_seconds": 3.0,
    "compare_rounds": 3,
    "compare_seconds": 3.0,
    "warmup": 1.0,
    "drain_timeout": 10.0,
}
FULL: dict[str, Any] = {
    "users": 10_000,
    "sizes": [10_000, 100_000, 1_000_000],
    "fanout": [1000, 10_000, 100_000],
    "fan_feed_depth": 40,
    "fanout_full": 1000,
    "seconds": 20.0,
    "scale_seconds": 10.0,
    "compare_rounds": 5,
    "compare_seconds": 8.0,
    "warmup": 3.0,
    "drain_timeout": 120.0,
}


def post_texts(net: gen.Network) -> list[str]:
    """What the POST benchmark posts: mentions, hashtags, links and emoji, like the seed."""
    u = net.usernames
    return [
        f"Trying the new build with @{u[3]} today #python 🚀 https://example.com/notes/build",
        "Coffee first. ☕ Then the world.",
        f"@{u[7]} @{u[12]} agreed, the queue should drain faster #devops #databases",
        "Reading about distributed systems, great thread https://news.example.com/item?id=42 👀🔥",
        f"Photo walk in the rain 🌧️ #photography with @{u[20]}",
        "Small fix shipped, latency is down again. ✨",
        "Weekend garden project: tomatoes, basil and a very confused cat 🐦 #gardening #cats",
        f"@{u[1]} thanks for the review! https://blog.example.net/posts/thanks",
    ]
