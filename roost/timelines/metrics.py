"""Where home timeline pages come from, for /metrics (roost.monitoring gathers it)."""

from __future__ import annotations

from prometheus_client import Counter

HOME_READS = Counter(
    "roost_home_feed_reads",
    "Home timeline pages read, by source: store (the feed store had the feed), rebuilt "
    "(absent, rebuilt from SQL and stored) or sql (the store was away or full: served "
    "from SQL without storing).",
    ["source"],
)
FROM_STORE = HOME_READS.labels("store")
REBUILT = HOME_READS.labels("rebuilt")
FROM_SQL = HOME_READS.labels("sql")
