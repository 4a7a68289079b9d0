"""The shared Redis client of a scaled-out instance, and key housekeeping by prefix."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff

CONNECT_TIMEOUT = 5.0
# Every command Roost sends is a short one; a blocking read (pub/sub) passes its own timeout.
COMMAND_TIMEOUT = 5.0
HEALTH_CHECK_SECONDS = 30  # ping a pooled connection idle this long before reusing it
DELETE_BATCH = 500


def connect(url: str, *, client_name: str | None = None) -> Redis:
    """A pooled client for `url` (bytes in, bytes out). Connects lazily, on first command;
    a dropped connection is retried a few times with backoff before an error surfaces."""
    return Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=COMMAND_TIMEOUT,
        socket_keepalive=True,
        health_check_interval=HEALTH_CHECK_SECONDS,
        retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=1.0), retries=3),
        client_name=client_name,
        decode_responses=False,
    )


def glob_escape(text: str) -> str:
    """`text` as a literal inside a Redis MATCH/KEYS pattern."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


async def delete_prefixed(redis: Redis, prefix: str) -> int:
    """Delete every key starting with `prefix` (SCAN + UNLINK, never KEYS); returns how many."""
    deleted = 0
    batch: list[bytes] = []
    async for key in redis.scan_iter(match=glob_escape(prefix) + "*", count=1000):
        batch.append(key)
        if len(batch) >= DELETE_BATCH:
            deleted += await redis.unlink(*batch)
            batch.clear()
    if batch:
        deleted += await redis.unlink(*batch)
    return deleted
