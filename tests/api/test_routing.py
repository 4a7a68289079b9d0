"""The route index (roost.app.RouteIndex) must pick the route Starlette's own linear
matching picks, for every route of the app."""

from __future__ import annotations

import re
from typing import Any

import httpx
from starlette.routing import BaseRoute, Match

from roost.app import create_app
from roost.http.routing import RouteIndex
from roost.instance import Roost
from tests.conftest import variant


def _first_full(routes: list[BaseRoute], scope: dict[str, Any]) -> BaseRoute | None:
    for route in routes:
        if route.matches(scope)[0] is Match.FULL:
            return route
    return None


async def test_the_index_picks_the_route_starlette_picks(roost: Roost) -> None:
    app = create_app(roost.settings, roost)
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    routes = app.router.routes
    paths = {"/", "/nope", "/api/v1", "/api/v1/nope", "/api/v9/statuses", "/@ann", "/static/x"}
    for route in routes:
        path = getattr(route, "path", None)
        if isinstance(path, str):
            paths.add(re.sub(r"\{[^}]+\}", "123", path) or "/")
    checked = 0
    for path in sorted(paths):
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            scope = {"type": "http", "path": path, "method": method, "root_path": ""}
            key = tuple(path.split("/", index.DEPTH + 1)[1 : index.DEPTH + 1])
            picked = _first_full(index.buckets.get(key, index.loose), scope)
            assert picked is _first_full(routes, scope), (method, path)
            checked += picked is not None
    assert checked > 60
    assert len(index.buckets) > 10  # most routes are bucketed


async def test_misses_and_wrong_methods_answer_as_before(client: httpx.AsyncClient) -> None:
    r = await client.delete("/api/v1/timelines/home")
    assert r.status_code == 405
    assert r.json() == {"error": "Method not allowed"}
    r = await client.get("/api/v1/timelines/nope")
    assert r.status_code == 404
    assert r.json() == {"error": "Record not found"}


async def test_hsts_only_when_served_over_https(roost: Roost) -> None:
    """Issue 12, item 12: HSTS on every response of an HTTPS instance, none otherwise."""
    for https, expected in ((True, "max-age=63072000; includeSubDomains"), (False, None)):
        async with variant(roost, https=https) as other:
            app = create_app(other.settings, other)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                for path in ("/api/v1/instance", "/login", "/api/v1/nothing-here"):
                    r = await c.get(path)
                    assert r.headers.get("strict-transport-security") == expected, path
