"""What workers did, for /metrics (roost.monitoring.metrics gathers it with the rest)."""

from __future__ import annotations

from prometheus_client import Counter

JOBS_FINISHED = Counter(
    "roost_jobs_finished",
    "Jobs run by this process's workers, by kind and outcome: done, retry (failed, queued "
    "again with backoff) or dead (failed its last attempt).",
    ["kind", "outcome"],
)
