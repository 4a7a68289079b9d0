"""/api/openapi.json: an OpenAPI 3.1 document generated from the routes and the very
msgspec Structs that encode their responses, so it cannot drift from what is served."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from starlette.responses import Response

from roost import __version__
from roost.api.http import Api, ApiRequest, RouteInfo

_PATH_PARAM = re.compile(r"{(\w+)}")
_cache: dict[str, bytes] = {}


def build_openapi(base_url: str, apis: list[Api]) -> dict[str, Any]:
    """The OpenAPI document for every registered API route."""

    routes: list[RouteInfo] = [r for a in apis for r in a.routes]
    types = [r.response for r in routes if r.response is not None]
    schemas, components = msgspec.json.schema_components(
        types, ref_template="#/components/schemas/{name}"
    )
    by_type = dict(zip(types, schemas, strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for r in routes:
        op: dict[str, Any] = {
            "operationId": f"{r.method.lower()}_{r.handler.__name__}",
            "summary": r.summary,
            "tags": [r.path.split("/")[3] if r.path.count("/") >= 3 else "meta"],
            "parameters": [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in _PATH_PARAM.findall(r.path)
            ],
            "responses": {
                "200": {
                    "description": "Success",
                    "content": {"application/json": {"schema": by_type.get(r.response, {})}},
                },
                "4XX": {
                    "description": "Client error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
        if r.scope is not None or r.user:
            scopes = [r.scope] if isinstance(r.scope, str) else list(r.scope or ())
            op["security"] = [{"OAuth2": scopes}]
            op["responses"]["401"] = {"description": "Missing or invalid token"}
            op["responses"]["403"] = {"description": "Token lacks the scope"}
        paths.setdefault(r.path, {})[r.method.lower()] = op
    components["Error"] = {
        "type": "object",
        "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
        "required": ["error"],
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Roost API",
            "version": __version__,
            "description": "The Mastodon client API as Roost implements it.",
        },
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "OAuth2": {
                    "type": "oauth2",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": f"{base_url}/oauth/authorize",
                            "tokenUrl": f"{base_url}/oauth/token",
                            "scopes": {},
                        }
                    },
                }
            },
        },
    }


def openapi_api(apis: list[Api]) -> Api:
    """The route of the document describing `apis` (and itself)."""
    api = Api()

    @api.route("/api/openapi.json", summary="This document")
    async def openapi(req: ApiRequest) -> Response:
        """The OpenAPI 3.1 description of Roost's API."""
        base = req.roost.settings.base_url
        if base not in _cache:
            _cache[base] = msgspec.json.encode(build_openapi(base, [*apis, api]))
        return Response(_cache[base], media_type="application/json")

    return api
