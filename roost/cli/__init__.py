"""`roost ...`: serve, worker and the operator commands (migrate, doctor, backup, ...).

Each module registers its commands on the shared typer app (roost.cli.common)."""

from __future__ import annotations

from roost.cli import (
    announce,
    content,
    media,
    rules,
    search,
    security,
    serving,
    staff,
    trends,
    upkeep,
)
from roost.cli.common import app

__all__ = [
    "announce",
    "app",
    "content",
    "main",
    "media",
    "rules",
    "search",
    "security",
    "serving",
    "staff",
    "trends",
    "upkeep",
]


def main() -> None:
    app()
