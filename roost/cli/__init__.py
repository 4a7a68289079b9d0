"""`roost ...`: serve, worker and the operator commands (migrate, doctor, backup, ...).

Each module registers its commands on the shared typer app (roost.cli.common)."""

from __future__ import annotations

from roost.cli import content, media, search, serving, staff, trends, upkeep
from roost.cli.common import app

__all__ = ["app", "content", "main", "media", "search", "serving", "staff", "trends", "upkeep"]


def main() -> None:
    app()
