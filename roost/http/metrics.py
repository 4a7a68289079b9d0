"""Request metrics: every HTTP request counted and timed, by method, route template and
status (roost.monitoring.metrics), after its response."""

from __future__ import annotations

from time import perf_counter
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roost.db.errors import outage_of
from roost.monitoring.metrics import HTTP_DURATION, HTTP_REQUESTS

METRICS_PATH = "/metrics"  # a scrape is not counted: it would count itself
UNMATCHED = "unmatched"  # no route: a 404, whatever the path, so it cannot grow the labels
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMetrics:
    """Counts and times each HTTP request once its response has gone.

    Mounted inside TrailingSlash, so that it shares the scope the route index marks with
    the matched route: the label is that route's template (`/api/v1/statuses/{id}`),
    never the raw path. The labelled series are looked up once per (method, route,
    status) and kept, so a request costs a dict lookup, two clocks, an increment and a
    histogram observation."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0  # until the response starts

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        start = perf_counter()
        try:
            await self.app(scope, receive, send_and_note)
        except Exception as exc:
            # Answered outside this middleware, by roost.http.errors.server_error: 503 for
            # an outage (the database away, a full disk), 500 for anything else.
            status = status or (503 if outage_of(exc) is not None else 500)
            raise
        finally:
            self._record(scope, status or 500, perf_counter() - start)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route: str = getattr(scope.get("route"), "path", UNMATCHED)
        if route == METRICS_PATH:
            return
        method: str = scope["method"]
        key = (method if method in METHODS else "other", route, status)
        series = self._series.get(key)
        if series is None:
            labels = (key[0], route, str(status))
            series = (HTTP_REQUESTS.labels(*labels), HTTP_DURATION.labels(*labels))
            self._series[key] = series
        series[0].inc()
        series[1].observe(seconds)
