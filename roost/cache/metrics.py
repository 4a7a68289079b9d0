"""How often cached entities are found, for /metrics (roost.monitoring gathers it)."""

from __future__ import annotations

from prometheus_client import Counter

CACHE_LOOKUPS = Counter(
    "roost_cache_lookups",
    "Entities looked up in the cache, by cache and result: hit (found) or miss (built "
    "from SQL, then cached).",
    ["cache", "result"],
)
# Bound once: labels() on every page would cost a dict lookup and a lock each.
STATUS_HITS = CACHE_LOOKUPS.labels("statuses", "hit")
STATUS_MISSES = CACHE_LOOKUPS.labels("statuses", "miss")
