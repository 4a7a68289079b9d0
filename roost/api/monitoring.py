"""Health checks for load balancers, orchestrators and uptime monitors: `/health`
(Mastodon's: a bare `OK`), `/health/live` and `/health/ready`; and `/metrics` for
Prometheus. Plain routes, outside `Api.route`: they need no token and are not rate
limited, so a monitor polling them never uses up anyone's allowance nor gets refused."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from roost.http.metrics import METRICS_PATH
from roost.http.responses import json_response
from roost.monitoring.health import MB, Limits, readiness
from roost.monitoring.metrics import CONTENT_TYPE_LATEST, READ_TIMEOUT, render_metrics
from roost.ops.schedule import backup_figures

if TYPE_CHECKING:
    from roost.instance import Roost

NO_STORE = {"Cache-Control": "no-store"}


async def health(request: Request) -> Response:
    """Mastodon's health check: `OK` while the process answers."""
    return PlainTextResponse("OK", headers=NO_STORE)


async def live(request: Request) -> Response:
    """The process is up and its event loop answers (restart it when this fails)."""
    return json_response({"status": "ok"}, headers=NO_STORE)


async def ready(request: Request) -> Response:
    """Every readiness check, 200 when all pass and 503 otherwise."""
    roost: Roost = request.app.state.roost
    redis = roost.backends.redis if roost.settings.redis_url else None
    settings = roost.settings
    limits = Limits(max_queue_lag=settings.ready_max_job_lag,
                    min_free_bytes=settings.ready_min_free_mb * MB)  # fmt: skip
    checks = await readiness(roost.db, settings.data_dir, redis, limits)
    ok = all(check.ok for check in checks.values())
    body = {"status": "ok" if ok else "failing", "checks": checks}
    return json_response(body, 200 if ok else 503, headers=NO_STORE)


async def metrics(request: Request) -> Response:
    """Prometheus metrics (docs/operations.md lists them)."""
    roost: Roost = request.app.state.roost
    backup = None
    with contextlib.suppress(Exception):  # the database away: the rest is still served
        async with asyncio.timeout(READ_TIMEOUT):
            figures = await backup_figures(roost.settings, roost.db)
        backup = None if figures is None else (figures.age, figures.failing)
    body = await render_metrics(roost.db, backup)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers=NO_STORE)


def monitoring_routes() -> list[BaseRoute]:
    """Mounted last by create_app: these paths are short, so the route index tries them
    for every path that no other route matched, and only then."""
    return [
        Route("/health", health, methods=["GET"]),
        Route("/health/live", live, methods=["GET"]),
        Route("/health/ready", ready, methods=["GET"]),
        Route(METRICS_PATH, metrics, methods=["GET"]),
    ]
