"""The ASGI entry point uvicorn loads in each web process: settings from the environment."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from roost.app import create_app
from roost.config import Settings


def app_from_env() -> Starlette:
    """Build the app from ROOST_* variables (uvicorn factory, or any other ASGI server)."""
    # As `roost` commands do: the data dir, database and secret_key it may create here are
    # the owner's alone, however the server was started.
    os.umask(0o077)
    return create_app(Settings.from_env().with_secret())
