"""Summaries of py-spy's raw (collapsed-stack) profiles: where the server's time went."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

ROOST = re.compile(r"\((?:[^()]*/)?roost/")
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")
AREAS = (
    ("roost/", "roost"),
    ("sqlalchemy/", "sqlalchemy"),
    ("asyncpg/", "asyncpg"),
    ("aiosqlite/", "aiosqlite"),
    ("sqlite3/", "sqlite3"),
    ("redis/", "redis-py"),
    ("starlette/", "starlette"),
    ("uvicorn/", "uvicorn"),
    ("msgspec", "msgspec"),
    ("asyncio/", "asyncio"),
    ("uvloop", "uvloop"),
    ("nh3", "nh3"),
    ("twitter_text", "twitter-text"),
    ("logging/", "logging"),
    ("anyio/", "anyio"),
)


def _area(file: str) -> str:
    for needle, name in AREAS:
        if needle in file:
            return name
    return "other"


def _short(frame: str) -> str:
    m = FRAME.match(frame)
    if not m:
        return frame
    file = m["file"]
    for marker in ("site-packages/", "/lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    file = file.split("/work/main/", 1)[-1]
    return f"{m['func']} ({file})"


def summarise(raw: Path, top: int = 15) -> dict[str, Any]:
    """Self time by function and by package, and inclusive time of Roost's functions, in %
    of samples. (Time inside C code, e.g. SQLite running a query, counts as the self time
    of the Python function that called it: aiosqlite's worker thread.)"""
    self_t: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if "(" in f]
        if not frames:
            continue
        total += n
        leaf = frames[-1]
        self_t[_short(leaf)] += n
        m = FRAME.match(leaf)
        areas[_area(m["file"] if m else leaf)] += n
        # Inclusive time of Roost's own functions: which handler, query or job it was for.
        for f in {_short(f) for f in frames if ROOST.search(f) and "roost/cli/" not in f}:
            incl[f] += n

    def pct(c: Counter[str], k: int) -> list[list[Any]]:
        return [[name, round(100 * n / max(1, total), 1)] for name, n in c.most_common(k)]

    return {
        "samples": total,
        "self": pct(self_t, top),
        "roost_inclusive": pct(incl, top + 10),
        "areas": pct(areas, len(AREAS) + 1),
    }
