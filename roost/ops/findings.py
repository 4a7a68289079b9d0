"""What `roost doctor` reports, and what its checks look at."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from roost.config import Settings
from roost.db import Database
from roost.feeds import FeedStore


@dataclass
class Finding:
    """One check's result: `ok`, or what is wrong, why it matters and the fixing command."""

    check: str
    ok: bool
    message: str
    why: str = ""
    fix: str = ""
    fixed: str = ""  # what `--fix` did about it

    @property
    def resolved(self) -> bool:
        return self.ok or bool(self.fixed)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Subject:
    """What the doctor examines: one instance's settings, database, feeds and Redis."""

    settings: Settings
    db: Database
    feeds: FeedStore
    redis: Any = None  # the instance's Redis client, when scaled out


def sqlite_path(settings: Settings) -> Path | None:
    """The SQLite database file, or None on PostgreSQL (or in memory)."""
    if not settings.is_sqlite:
        return None
    path = settings.database_url.split(":///", 1)[1]
    return Path(path) if path and path != ":memory:" else None
