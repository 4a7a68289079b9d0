"""create_app(settings): wires the backends and mounts the API and the web pages."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Router
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from roost.api.http import json_response
from roost.backends import build_backends
from roost.cache import Cache
from roost.config import Settings
from roost.db import Database
from roost.errors import RateLimited, RoostError
from roost.feeds import FeedStore
from roost.jobs.worker import Worker
from roost.oauth.queries import TOKEN_CHANNEL, TokenCache, Viewer, access_viewer
from roost.pubsub import PubSub
from roost.ratelimit import RateLimiter
from roost.statuses.render import invalidate

log = logging.getLogger("roost")
STATIC_DIR = Path(__file__).parent / "web" / "static"


class Roost:
    """One instance's wiring: settings, database and the in-process caches."""

    def __init__(self, settings: Settings, db: Database | None = None) -> None:
        self.settings = settings
        self.db = db or Database(settings.database_url)
        self.tokens = TokenCache()
        self.backends = build_backends(settings, self.db)
        self.feeds: FeedStore = self.backends.feeds
        self.limiter: RateLimiter = self.backends.limiter
        self.pubsub: PubSub = self.backends.pubsub
        self.cache: Cache = self.backends.cache
        # Committed transactions invalidate cached renders, then reach live streams.
        self.db.publisher = self.pubsub.publish
        self.db.invalidator = functools.partial(invalidate, self.cache)
        self.worker: Worker | None = None

    def start_listeners(self) -> asyncio.Task[None]:
        """Listen for other processes' token revocations (and drop them from our cache)."""

        async def listen() -> None:
            subscription = await self.pubsub.subscribe([TOKEN_CHANNEL])
            try:
                async for _channel, message in subscription:
                    self.tokens.drop(message.decode())
            finally:
                await subscription.close()

        return asyncio.create_task(listen())

    def start_worker(self) -> asyncio.Task[None]:
        """Run the job worker in this process (`roost serve` without --no-worker)."""
        self.worker = Worker(self)
        self.db.job_waker = self.worker.wake
        return asyncio.create_task(self.worker.run())

    async def start_worker_once(self) -> int:
        """Run every due job in this process, then return how many ran."""
        self.worker = Worker(self)
        return await self.worker.run_pending()

    def close_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop()

    async def close(self) -> None:
        self.close_worker()
        await self.backends.close()

    async def authenticate(self, request: HTTPConnection) -> Viewer | None:
        """The viewer behind the request's (or WebSocket's) bearer token; 401 for a bad one."""
        cached = request.scope.get("roost.viewer", False)
        if cached is not False:
            return cached  # type: ignore[no-any-return]  # set below, Viewer | None
        token = None
        header = request.headers.get("authorization", "")
        if header[:7].lower() == "bearer ":
            token = header[7:].strip()
        elif "access_token" in request.query_params:
            token = request.query_params["access_token"]
        elif request.scope["type"] == "websocket" and request.scope.get("subprotocols"):
            # Mastodon's streaming server also takes the token as the WebSocket subprotocol.
            token = request.scope["subprotocols"][0]
        viewer = None
        if token:
            viewer = await access_viewer(self.db, self.tokens, token)
            if viewer is None:
                raise RoostError("The access token is invalid", status=401)
        request.scope["roost.viewer"] = viewer
        return viewer

    async def rate_limit(self, request: Request, viewer: Viewer | None) -> dict[str, str]:
        """Count this request against its token (or IP); 429 past the limit.

        Returns Mastodon's X-RateLimit-* headers, which Mastodon.py reads to pace itself.
        """
        key = f"t:{viewer.token_id}" if viewer else f"ip:{client_ip(request)}"
        window = await self.limiter.hit(key, self.settings.rate_limit_per_5min, 300)
        reset = datetime.fromtimestamp(window.reset_at, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        headers = {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(window.remaining),
            "X-RateLimit-Reset": reset,
        }
        if window.exceeded:
            raise RateLimited("Too many requests", headers=headers)
        return headers


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class TrailingSlash:
    """Tolerate trailing slashes (`/api/v1/statuses/`), as Mastodon's Rails routes do."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            path: str = scope["path"]
            if len(path) > 1 and path.endswith("/"):
                scope = dict(scope, path=path.rstrip("/") or "/")
        await self.app(scope, receive, send)


class RouteIndex:
    """Starlette's router, without trying every route on every request.

    Starlette matches a request against each route in turn: ~70 regular expressions for a
    late route (4% of a home timeline request's CPU, cProfile). Here routes are bucketed by
    the first three segments of their path that no parameter can change
    (`/api/v1/timelines/home` and `/api/v1/timelines/tag/{tag}` both under
    `api/v1/timelines`); a request tries only its bucket, in the routes' own order, plus
    the routes too short to bucket. A route outside the bucket cannot match the path, so
    the first full match is Starlette's own; when there is none, Starlette's router
    handles the request as before (405, 404, slash redirects)."""

    DEPTH = 3

    def __init__(self, router: Router) -> None:
        self.router = router
        self.loose: list[BaseRoute] = []  # routes that may match paths of any bucket
        self.buckets: dict[tuple[str, ...], list[BaseRoute]] = {}
        for route in router.routes:
            key = self._key_of(route)
            if key is None:
                self.loose.append(route)
                for bucket in self.buckets.values():
                    bucket.append(route)
            else:
                self.buckets.setdefault(key, list(self.loose)).append(route)

    def _key_of(self, route: BaseRoute) -> tuple[str, ...] | None:
        path = getattr(route, "path", None)
        if not isinstance(path, str) or isinstance(route, Mount):
            return None
        fixed = path.split("{", 1)[0]
        if "{" in path:  # only the segments before the parameter's are known
            fixed = fixed.rsplit("/", 1)[0]
        segments = fixed.split("/")[1:]
        return tuple(segments[: self.DEPTH]) if len(segments) >= self.DEPTH else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope.get("root_path"):
            await self.router.app(scope, receive, send)
            return
        key = tuple(scope["path"].split("/", self.DEPTH + 1)[1 : self.DEPTH + 1])
        for route in self.buckets.get(key, self.loose):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope.setdefault("router", self.router)
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
        # No full match (a 405, a 404, a slash redirect): Starlette's router decides.
        await self.router.app(scope, receive, send)


async def _roost_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RoostError)
    return json_response({"error": exc.message}, exc.status, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "Record not found", 405: "Method not allowed"}.get(
        exc.status_code, str(exc.detail)
    )
    return json_response({"error": message}, exc.status_code, headers=exc.headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return json_response({"error": "Internal server error"}, 500)


def create_app(settings: Settings, roost: Roost | None = None) -> Starlette:
    """The ASGI app for one instance. Migrations are applied by the caller (`roost serve`)."""
    from roost.api.routes import api_routes
    from roost.web.routes import web_routes

    instance = roost or Roost(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks = []
        if roost is None:
            tasks.append(instance.start_listeners())
            if settings.in_process_worker:
                tasks.append(instance.start_worker())
        yield
        if roost is None:
            instance.close_worker()
            for task in tasks[:1]:
                task.cancel()
            await asyncio.wait(tasks, timeout=10)
            await instance.close()
            await instance.db.dispose()

    routes: list[BaseRoute] = [
        *api_routes(),
        *web_routes(),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            RoostError: _roost_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.state.roost = instance
    if app.router.middleware_stack == app.router.app:
        app.router.middleware_stack = RouteIndex(app.router)
    app.add_middleware(TrailingSlash)
    return app
