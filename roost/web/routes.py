"""Routes of the server-rendered web app (sign up, timelines, profiles, settings)."""

from __future__ import annotations

from starlette.routing import BaseRoute


def web_routes() -> list[BaseRoute]:
    """Every web page route; mounted by create_app after the API."""
    return []
