"""The thin HTTP layer every API handler stands on.

`Api.route` wraps a handler with what Mastodon clients expect of every endpoint: bodies
parsed from query, form, multipart or JSON alike (Rails-style keys such as `media_ids[]`
and `poll[options][]`), OAuth scopes checked, rate limits applied and advertised, and every
error answered as JSON `{"error": "..."}`. Routes also carry their response type, from
which `/api/openapi.json` is generated.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from roost.api.errors import ApiError
from roost.http.auth import authenticate, instance_of, rate_limit
from roost.http.params import Params, parse_id
from roost.http.responses import json_response
from roost.moderation.staff import Staff
from roost.oauth.scopes import scope_allows

if TYPE_CHECKING:
    from roost.instance import Roost
    from roost.oauth.queries import Viewer


@dataclass
class ApiRequest:
    """What a handler gets: the Starlette request, parsed params and the viewer."""

    request: Request
    roost: Roost
    params: Params
    viewer: Viewer | None

    @property
    def path(self) -> dict[str, Any]:
        return self.request.path_params

    def path_id(self, name: str = "id") -> int:
        return parse_id(str(self.request.path_params[name]))

    @property
    def me(self) -> Viewer:
        """The viewer of a route that required a user token."""
        assert self.viewer is not None
        assert self.viewer.account_id is not None
        return self.viewer

    @property
    def me_id(self) -> int:
        account_id = self.me.account_id
        assert account_id is not None
        return account_id

    @property
    def staff(self) -> Staff:
        """The user of the token as moderation's actor, with their staff role (None: none)."""
        return Staff(self.me_id, self.me.role)

    @property
    def viewer_id(self) -> int | None:
        return self.viewer.account_id if self.viewer else None


Handler = Callable[[ApiRequest], Awaitable[Response]]


@dataclass
class RouteInfo:
    path: str
    method: str
    handler: Handler
    scope: str | tuple[str, ...] | None
    user: bool
    response: Any
    summary: str
    params: dict[str, str] = field(default_factory=dict)


class Api:
    """A collection of API routes with their auth requirements and response types."""

    def __init__(self) -> None:
        self.routes: list[RouteInfo] = []

    def route(
        self,
        path: str,
        method: str = "GET",
        *,
        scope: str | tuple[str, ...] | None = None,
        user: bool = False,
        response: Any = None,
        summary: str = "",
        params: dict[str, str] | None = None,
    ) -> Callable[[Handler], Handler]:
        """Register a handler.

        `scope`: the OAuth scope(s) a token must have (any one of a tuple); implies a token.
        `user`: a token bound to a user is required (not an app-only token).
        `response`: the type encoded on success, for the OpenAPI document.
        """

        def decorate(fn: Handler) -> Handler:
            self.routes.append(
                RouteInfo(
                    path,
                    method,
                    fn,
                    scope,
                    user,
                    response,
                    summary or (fn.__doc__ or "").strip().split("\n")[0],
                    params or {},
                )
            )
            return fn

        return decorate

    def starlette_routes(self) -> list[Route]:
        by_path: dict[str, dict[str, RouteInfo]] = {}
        for info in self.routes:
            by_path.setdefault(info.path, {})[info.method] = info
        return [
            Route(path, _endpoint(methods), methods=list(methods))
            for path, methods in by_path.items()
        ]


def _endpoint(methods: dict[str, RouteInfo]) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        info = methods[request.method if request.method != "HEAD" else "GET"]
        if any("\x00" in str(v) for v in request.path_params.values()):
            raise ApiError(404, "Record not found")
        roost = instance_of(request)
        viewer = await authenticate(request)
        if info.scope is not None or info.user:
            if viewer is None:
                raise ApiError(401, "The access token is invalid")
            if info.user and viewer.account_id is None:
                raise ApiError(422, "This method requires an authenticated user")
            if info.scope is not None and not scope_allows(viewer.scopes, info.scope):
                raise ApiError(403, "This action is outside the authorized scopes")
        headers = await rate_limit(request, viewer)
        params = await Params.from_request(request)
        response = await info.handler(ApiRequest(request, roost, params, viewer))
        for key, value in headers.items():
            response.headers.setdefault(key, value)
        return response

    return endpoint


def page_response(
    req: ApiRequest, content: Any, first_id: int | None, last_id: int | None
) -> Response:
    """A page of a paged list, with Mastodon's `Link` header (`max_id` next, `min_id` prev).

    Mastodon.py follows these URLs as given, so they carry the request's other parameters.
    """
    headers = {}
    if first_id is not None and last_id is not None:
        keep = [
            (k, v)
            for k, v in req.request.query_params.multi_items()
            if k not in ("max_id", "min_id", "since_id")
        ]
        base = req.roost.settings.base_url + req.request.url.path
        links = []
        for rel, param, value in (("next", "max_id", last_id), ("prev", "min_id", first_id)):
            query = urlencode([*keep, (param, str(value))])
            links.append(f'<{base}?{query}>; rel="{rel}"')
        headers["Link"] = ", ".join(links)
    return json_response(content, headers=headers)
