"""How full the database connection pools are, for /metrics (roost.monitoring gathers
it). Counted on checkout and checkin, in every process (with PROMETHEUS_MULTIPROC_DIR the
scrape adds up every live process's)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from prometheus_client import Gauge
from sqlalchemy import event

POOL_IN_USE = Gauge(
    "roost_db_pool_connections_in_use",
    "Database connections checked out of the pool now, by pool (write, read).",
    ["pool"],
    multiprocess_mode="livesum",
)
POOL_CAPACITY = Gauge(
    "roost_db_pool_capacity",
    "Connections the pool may hold at once (its size plus overflow), by pool.",
    ["pool"],
    multiprocess_mode="livesum",
)


def watch_pool(engine: sa.Engine, name: str) -> int:
    """Count `engine`'s checked-out connections as pool `name`; returns its capacity."""
    pool: Any = engine.pool
    size = pool.size() if hasattr(pool, "size") else 0
    capacity = size + max(getattr(pool, "_max_overflow", 0), 0)
    in_use = POOL_IN_USE.labels(name)
    POOL_CAPACITY.labels(name).inc(capacity)

    def checked_out(*_: Any) -> None:
        in_use.inc()

    def checked_in(*_: Any) -> None:
        in_use.dec()

    event.listen(engine.pool, "checkout", checked_out)
    event.listen(engine.pool, "checkin", checked_in)
    return capacity


def forget_pool(name: str, capacity: int) -> None:
    """The engine is disposed: its capacity no longer counts."""
    POOL_CAPACITY.labels(name).dec(capacity)
