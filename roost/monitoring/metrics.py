"""Prometheus metrics, names prefixed `roost_`.

Two kinds. What a process counts as it goes (requests, streaming connections) lives in
prometheus-client's metrics here; with `PROMETHEUS_MULTIPROC_DIR` set (before Roost
starts: prometheus-client reads it on import) each process writes them to files in that
directory and a scrape of any process adds up every process's. What the database knows
(the job queue, the WAL's size) is read at scrape time instead, so it is the same
whichever process answers, and never stale.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from roost.db import Database
from roost.jobs.registry import load_handlers
from roost.monitoring.figures import QueueFigures, queue_figures, sqlite_wal_bytes

__all__ = ["CONTENT_TYPE_LATEST", "HTTP_DURATION", "HTTP_REQUESTS", "STREAMING_CONNECTIONS"]

log = logging.getLogger(__name__)
MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
READ_TIMEOUT = 3.0  # seconds the database's figures may take; a scrape must not hang
LABELS = ("method", "route", "status")

HTTP_REQUESTS = Counter(
    "roost_http_requests",
    "HTTP requests answered, by method, route template and status.",
    LABELS,
)
# Fewer buckets than prometheus-client's default: observing walks them on every request.
HTTP_DURATION = Histogram(
    "roost_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response (a stream's whole life).",
    LABELS,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
STREAMING_CONNECTIONS = Gauge(
    "roost_streaming_connections",
    "Streaming clients connected (server-sent events and WebSockets).",
    multiprocess_mode="livesum",
)


class _Figures:
    """The figures read from the database for one scrape, as metrics (`queue` None: the
    database could not be read, and only `roost_database_up` says so)."""

    def __init__(
        self,
        queue: QueueFigures | None,
        kinds: list[str],
        wal_bytes: int | None,
        backup: tuple[float, bool] | None = None,
    ) -> None:
        self.queue = queue
        self.kinds = kinds
        self.wal_bytes = wal_bytes
        self.backup = backup

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "roost_database_up",
            "1 when this scrape could read the database, 0 when it could not.",
            value=0 if self.queue is None else 1,
        )
        if self.wal_bytes is not None:
            yield GaugeMetricFamily(
                "roost_sqlite_wal_bytes",
                "Size of the SQLite write-ahead log, in bytes.",
                value=self.wal_bytes,
            )
        if self.backup is not None:
            age, failing = self.backup
            yield GaugeMetricFamily(
                "roost_backup_age_seconds",
                "Seconds since the newest scheduled backup was written (+Inf: none yet).",
                value=age,
            )
            yield GaugeMetricFamily(
                "roost_backup_failing",
                "1 when the last scheduled backup failed or never finished, else 0.",
                value=1 if failing else 0,
            )
        if self.queue is None:
            return
        queued = GaugeMetricFamily(
            "roost_jobs_queued", "Jobs waiting to run (due or not), by kind.", labels=["kind"]
        )
        oldest = GaugeMetricFamily(
            "roost_job_oldest_age_seconds",
            "How long the oldest due job has waited, by kind (0: none is due).",
            labels=["kind"],
        )
        running = GaugeMetricFamily(
            "roost_jobs_running", "Jobs a worker holds right now, by kind.", labels=["kind"]
        )
        for kind in self.kinds:
            queued.add_metric([kind], self.queue.queued.get(kind, 0))
            oldest.add_metric([kind], self.queue.oldest_due_age.get(kind, 0.0))
            running.add_metric([kind], self.queue.running.get(kind, 0))
        yield queued
        yield oldest
        yield running
        yield GaugeMetricFamily(
            "roost_jobs_dead",
            "Jobs that failed every attempt and wait for the operator (`roost jobs`).",
            value=self.queue.dead,
        )


async def render_metrics(db: Database, backup: tuple[float, bool] | None = None) -> bytes:
    """Every metric in Prometheus's text format: this process's (or, in multiprocess mode,
    every process's) and the database's figures, read now, and (when scheduled backups
    are on) `backup`: the newest one's age in seconds, and whether the last run failed.
    With the database away the rest is still served: an outage is when the request counts
    matter most."""
    queue: QueueFigures | None = None
    try:
        async with asyncio.timeout(READ_TIMEOUT):
            queue = await queue_figures(db)
    except Exception as exc:
        log.warning("metrics: the job queue could not be read (%s)", exc)
    kinds = set(load_handlers())
    if queue is not None:
        kinds |= set(queue.queued) | set(queue.running)
    figures = _Figures(queue, sorted(kinds), sqlite_wal_bytes(db), backup)
    if MULTIPROCESS_DIR:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, MULTIPROCESS_DIR)  # type: ignore[no-untyped-call]  # prometheus-client leaves it unannotated
        counted = generate_latest(registry)
    else:
        counted = generate_latest(REGISTRY)
    return counted + generate_latest(figures)


def process_exiting() -> None:
    """Drop this process's share of the live gauges (multiprocess mode): a process that
    has gone has no streaming clients left."""
    if MULTIPROCESS_DIR:
        mark_process_dead(os.getpid(), MULTIPROCESS_DIR)  # type: ignore[no-untyped-call]  # as above
