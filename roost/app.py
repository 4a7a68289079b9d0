"""create_app(settings): the composition root. Builds the instance, mounts the Mastodon
API, the web pages and the static files, and answers every error as JSON."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from roost.api.monitoring import monitoring_routes
from roost.api.routes import api_routes
from roost.config import Settings
from roost.http.errors import EXCEPTION_HANDLERS
from roost.http.ip_access import NoAccess
from roost.http.maintenance import ReadOnly
from roost.http.metrics import RequestMetrics
from roost.http.request_id import RequestId
from roost.http.routing import RouteIndex, TrailingSlash
from roost.http.security import StrictTransport
from roost.http.shutdown import close_streams_on_signal
from roost.instance import Roost
from roost.monitoring.metrics import process_exiting
from roost.web.routes import web_routes
from roost.web.uploads import BodyLimit

STATIC_DIR = Path(__file__).parent / "web" / "static"


# Collect the youngest generation after this many new objects, not CPython's 700: a page
# of statuses allocates thousands (rows, decoded cache entries, the JSON), so the default
# collected over and over within each request. With the objects of startup frozen out of
# every collection, home served 8 to 10% more requests a second on PostgreSQL + Redis
# (wrk, 20-post pages, plain and with polls, quotes and pictures; measured).
GC_THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Once the server has started: freeze what startup built (modules, routes, compiled
    statements), which no collection need walk again, and collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def create_app(settings: Settings, roost: Roost | None = None) -> Starlette:
    """The ASGI app for one instance (built here, or `roost`, which the caller then runs
    and closes). Migrations are applied by the caller (`roost serve`)."""
    instance = roost or Roost(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks: list[asyncio.Future[Any]] = []
        restore_signals = None
        if roost is None:
            tasks.append(instance.start_listeners())
            if settings.in_process_worker:
                tasks.append(instance.start_worker())
            restore_signals = close_streams_on_signal(instance)
            tune_gc()
        yield
        if roost is None:
            instance.closing.set()
            instance.close_worker()
            for task in tasks[:1]:
                task.cancel()
            await asyncio.wait(tasks, timeout=10)
            for task in tasks:  # retrieved, so that asyncio does not log them as lost
                if task.done() and not task.cancelled():
                    task.exception()
            if restore_signals is not None:
                restore_signals()
            await instance.close()
            await instance.db.dispose()
            process_exiting()

    routes: list[BaseRoute] = [
        *api_routes(),
        *web_routes(),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        *monitoring_routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=EXCEPTION_HANDLERS)
    app.state.roost = instance
    if app.router.middleware_stack == app.router.app:
        app.router.middleware_stack = RouteIndex(app.router)
    app.add_middleware(BodyLimit)  # 413 past the largest upload (roost.media.limits)
    app.add_middleware(ReadOnly)  # writes answer 503 while `roost maintenance on`
    app.add_middleware(NoAccess)  # 403 to addresses a `no_access` IP block covers
    app.add_middleware(RequestMetrics)  # inside TrailingSlash: it sees the matched route
    app.add_middleware(TrailingSlash)
    if settings.https:
        app.add_middleware(StrictTransport)
    app.add_middleware(RequestId)  # outermost: every line a request logs carries its id
    return app
