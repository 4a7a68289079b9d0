"""The ASGI entry point uvicorn loads in each web process: settings from the environment."""

from __future__ import annotations

from starlette.applications import Starlette

from roost.app import create_app
from roost.config import Settings


def app_from_env() -> Starlette:
    """Build the app from ROOST_* variables (uvicorn factory)."""
    return create_app(Settings.from_env().with_secret())
