"""The thin HTTP layer every API handler stands on.

`Api.route` wraps a handler with what Mastodon clients expect of every endpoint: bodies
parsed from query, form, multipart or JSON alike (Rails-style keys such as `media_ids[]`
and `poll[options][]`), OAuth scopes checked, rate limits applied and advertised, and every
error answered as JSON `{"error": "..."}`. Routes also carry their response type, from
which `/api/openapi.json` is generated.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import msgspec
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from roost.api.errors import ApiError
from roost.oauth.scopes import scope_allows

if TYPE_CHECKING:
    from roost.app import Roost
    from roost.oauth.queries import Viewer

_encoder = msgspec.json.Encoder()

TRUE_VALUES = {"1", "true", "on", "yes", "t"}
FALSE_VALUES = {"0", "false", "off", "no", "f", ""}


def json_response(
    content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Encode `content` (Structs, dicts, lists) with msgspec as `application/json`."""
    return Response(
        _encoder.encode(content),
        status_code=status_code,
        headers=dict(headers) if headers else None,
        media_type="application/json",
    )


class Params:
    """Request parameters from query string and body, with Mastodon's loose typing."""

    def __init__(self, data: dict[str, list[Any]]) -> None:
        self._data = data

    @classmethod
    async def from_request(cls, request: Request) -> Params:
        data: dict[str, list[Any]] = {}
        for key, value in request.query_params.multi_items():
            _add(data, key, value)
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/json" or ctype.endswith("+json"):
                raw = await request.body()
                if raw.strip():
                    try:
                        body = json.loads(raw)
                    except ValueError as exc:
                        raise ApiError(400, "The request body is not valid JSON") from exc
                    if not isinstance(body, dict):
                        raise ApiError(400, "The request body must be a JSON object")
                    _flatten_json(data, "", body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                try:
                    form = await request.form()
                except Exception as exc:  # malformed multipart bodies raise several types
                    raise ApiError(400, "The request body could not be parsed") from exc
                for key, form_value in form.multi_items():
                    _add(data, key, form_value)
        return cls(data)

    def has(self, name: builtins.str) -> builtins.bool:
        return name in self._data

    def raw(self, name: builtins.str) -> Any:
        values = self._data.get(name)
        return values[-1] if values else None

    def str(
        self,
        name: builtins.str,
        default: builtins.str | None = None,
        *,
        max_len: builtins.int | None = None,
    ) -> Any:
        """A string parameter (None/default when absent). Typed Any for terse call sites."""
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, UploadFile):
            raise ApiError(422, f"Validation failed: {name} must be text, not a file")
        text = value if isinstance(value, builtins.str) else _scalar_text(name, value)
        if max_len is not None and len(text) > max_len:
            raise ApiError(422, f"Validation failed: {name} is too long (maximum {max_len})")
        return text

    def required_str(
        self, name: builtins.str, *, max_len: builtins.int | None = None
    ) -> builtins.str:
        value: builtins.str | None = self.str(name, max_len=max_len)
        if value is None or not value.strip():
            raise ApiError(422, f"Validation failed: {name} can't be blank")
        return value

    def bool(self, name: builtins.str, default: builtins.bool | None = None) -> Any:
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, builtins.bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise ApiError(422, f"Validation failed: {name} must be true or false")

    def int(
        self,
        name: builtins.str,
        default: builtins.int | None = None,
        *,
        lo: builtins.int | None = None,
        hi: builtins.int | None = None,
    ) -> Any:
        value = self.raw(name)
        if value is None or value == "":
            return default
        try:
            number = int(value) if not isinstance(value, builtins.bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None:
            raise ApiError(400, f"{name} must be an integer")
        if lo is not None and number < lo:
            number = lo
        if hi is not None and number > hi:
            number = hi
        return number

    def id(self, name: builtins.str) -> builtins.int | None:
        """An id parameter: absent → None; anything but digits → 400."""
        value = self.raw(name)
        if value is None or value == "":
            return None
        return parse_id(str(value), name=name)

    def list(self, name: builtins.str) -> builtins.list[Any]:
        """A list parameter, given as `name[]=a&name[]=b`, `name=a`, or a JSON array."""
        return [v for v in self._data.get(name, []) if v is not None]


def parse_id(value: str, *, name: str = "id") -> int:
    if not value.isdigit() or len(value) > 19:
        raise ApiError(404 if name == "id" else 400, f"Invalid {name}")
    return int(value)


def _scalar_text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise ApiError(422, f"Validation failed: {name} must be text")


def _normalise_key(key: str) -> str:
    return key[:-2] if key.endswith("[]") else key


def _add(data: dict[str, list[Any]], key: str, value: Any) -> None:
    # PostgreSQL cannot store NUL in text; refuse it here rather than fail in SQL later.
    if "\x00" in key or (isinstance(value, str) and "\x00" in value):
        raise ApiError(422, f"Validation failed: {key} contains a NUL character")
    data.setdefault(_normalise_key(key), []).append(value)


def _flatten_json(data: dict[str, list[Any]], prefix: str, value: Any) -> None:
    """{"poll": {"options": ["a"]}} → data["poll[options]"] = ["a"] (as a form would give)."""
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten_json(data, f"{prefix}[{k}]" if prefix else str(k), v)
    elif isinstance(value, list):
        items = data.setdefault(prefix, [])
        for item in value:
            if isinstance(item, dict | list):
                # Arrays of objects (e.g. fields_attributes as a list): index them.
                _flatten_json(data, f"{prefix}[{len(items)}]", item)
                items.append(None)
            else:
                _add(data, prefix, item)
                items = data[prefix]
    else:
        _add(data, prefix, value)


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
        roost: Roost = request.app.state.roost
        viewer = await roost.authenticate(request)
        if info.scope is not None or info.user:
            if viewer is None:
                raise ApiError(401, "The access token is invalid")
            if info.user and viewer.account_id is None:
                raise ApiError(422, "This method requires an authenticated user")
            if info.scope is not None and not scope_allows(viewer.scopes, info.scope):
                raise ApiError(403, "This action is outside the authorized scopes")
        headers = await roost.rate_limit(request, viewer)
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
