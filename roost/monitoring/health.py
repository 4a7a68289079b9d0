"""Readiness: can this instance serve? Its database answers, Redis answers (when
configured), the job queue keeps up, and the data dir has room. Each check says what it
found in plain words, for /health/ready and the operator reading it."""

from __future__ import annotations

import asyncio
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import sqlalchemy as sa

from roost.db import Database
from roost.monitoring.figures import queue_figures

CHECK_TIMEOUT = 3.0  # seconds a check may take before it counts as failed
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Where a check turns from ready to failing."""

    # The oldest due job waited longer than this: the workers are down or behind.
    max_queue_lag: float = 300.0
    # Free space below BOTH of these (the lower of 1% and 100 MB): writes will soon fail.
    min_free_fraction: float = 0.01
    min_free_bytes: int = 100 * MB


class Check(msgspec.Struct):
    """One check's outcome: `ok`, and what was found, in plain words."""

    ok: bool
    detail: str


async def check_database(db: Database) -> Check:
    """The database answers a trivial query."""
    start = time.perf_counter()
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await db.scalar(sa.select(sa.literal(1)))
    except TimeoutError:
        return Check(False, f"the database did not answer within {CHECK_TIMEOUT:g} s")
    except Exception as exc:
        return Check(False, f"the database could not be reached: {_reason(exc)}")
    return Check(True, f"the database answered in {_ms(start)}")


async def check_redis(redis: Any) -> Check:
    """Redis answers a PING (`redis` is the instance's redis.asyncio client)."""
    start = time.perf_counter()
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await redis.ping()
    except TimeoutError:
        return Check(False, f"Redis did not answer within {CHECK_TIMEOUT:g} s")
    except Exception as exc:
        return Check(False, f"Redis could not be reached: {_reason(exc)}")
    return Check(True, f"Redis answered in {_ms(start)}")


async def check_job_queue(db: Database, max_lag: float) -> Check:
    """The oldest due job has not waited longer than `max_lag` seconds."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            figures = await queue_figures(db)
    except TimeoutError:
        return Check(False, f"the job queue could not be read within {CHECK_TIMEOUT:g} s")
    except Exception as exc:
        return Check(False, f"the job queue could not be read: {_reason(exc)}")
    waiting = sum(figures.queued.values())
    lag = figures.lag
    if lag > max_lag:
        kind = max(figures.oldest_due_age, key=figures.oldest_due_age.__getitem__)
        return Check(
            False,
            f"the oldest due job ({kind}) has waited {lag:.0f} s, over the limit of "
            f"{max_lag:g} s: are the workers running? ({waiting} jobs queued)",
        )
    if not waiting:
        return Check(True, "no job is waiting")
    return Check(True, f"{waiting} jobs queued; the oldest due one has waited {lag:.0f} s")


def check_disk(path: Path, limits: Limits) -> Check:
    """The file system holding `path` (the data dir) has room left."""
    where = path
    while not where.exists() and where != where.parent:  # not made yet: its parent's disk
        where = where.parent
    try:
        usage = shutil.disk_usage(where)
    except OSError as exc:
        return Check(False, f"the free space of {path} could not be read: {_reason(exc)}")
    floor = min(limits.min_free_fraction * usage.total, limits.min_free_bytes)
    share = usage.free / usage.total if usage.total else 0.0
    found = f"{_size(usage.free)} free of {_size(usage.total)} ({share:.1%}) in {path}"
    if usage.free < floor:
        return Check(False, f"only {found}: below {_size(int(floor))}, writes will soon fail")
    return Check(True, found)


async def readiness(
    db: Database, data_dir: Path, redis: Any = None, limits: Limits | None = None
) -> dict[str, Check]:
    """Every check, by name (`redis` only when a client is given), run side by side so
    that an answer takes one CHECK_TIMEOUT at most, even with everything away."""
    limits = limits or Limits()
    checks = {
        "database": check_database(db),
        "redis": check_redis(redis) if redis is not None else None,
        "job_queue": check_job_queue(db, limits.max_queue_lag),
        "disk": asyncio.to_thread(check_disk, data_dir, limits),
    }
    named = {name: check for name, check in checks.items() if check is not None}
    return dict(zip(named, await asyncio.gather(*named.values()), strict=True))


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def _ms(start: float) -> str:
    return f"{(time.perf_counter() - start) * 1000:.1f} ms"


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")
