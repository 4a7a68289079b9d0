"""`roost ...`: serve, worker and the operator commands (migrate, doctor, backup, ...).

Each module registers its commands on the shared typer app (roost.cli.common)."""

from __future__ import annotations

from roost.cli import content, serving, upkeep
from roost.cli.common import app

__all__ = ["app", "content", "main", "serving", "upkeep"]


def main() -> None:
    app()
