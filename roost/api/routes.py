"""Collects the routes of every module in roost.api.mastodon (each exports `api`, and may
export `extra_routes` for non-JSON endpoints such as the OAuth consent page)."""

from __future__ import annotations

import importlib
import pkgutil

from starlette.routing import BaseRoute

import roost.api.mastodon as mastodon_pkg
from roost.api.http import Api
from roost.api.openapi import openapi_api


def api_modules() -> list[object]:
    return [
        importlib.import_module(f"{mastodon_pkg.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(mastodon_pkg.__path__), key=lambda i: i.name)
    ]


def all_apis() -> list[Api]:
    """Every module's `api`, and the OpenAPI document's route describing them all."""
    apis = [m.api for m in api_modules() if isinstance(getattr(m, "api", None), Api)]  # type: ignore[attr-defined]  # checked by isinstance
    return [*apis, openapi_api(apis)]


def api_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for module in api_modules():
        routes.extend(getattr(module, "extra_routes", []))
    for api in all_apis():
        routes.extend(api.starlette_routes())
    return routes
