"""Routing every door shares: trailing slashes tolerated, and routes found without trying
each one in turn."""

from __future__ import annotations

from starlette.routing import BaseRoute, Match, Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send


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
