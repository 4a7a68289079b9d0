"""Figures read from the database when asked (by /metrics, /health/ready): they are the
same whichever process reads them, so they stay right across web and worker processes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import sqlalchemy as sa

from roost.db import Database
from roost.jobs.tables import jobs
from roost.timeutil import utcnow


@dataclass(frozen=True)
class QueueFigures:
    """The job queue by kind: jobs waiting (`queued`, due or not), the age in seconds of
    the oldest due one (0 when none is due), jobs `running`, and `dead` jobs in all."""

    queued: dict[str, int] = field(default_factory=dict)
    oldest_due_age: dict[str, float] = field(default_factory=dict)
    running: dict[str, int] = field(default_factory=dict)
    dead: int = 0

    @property
    def lag(self) -> float:
        """Seconds the oldest due job of any kind has waited."""
        return max(self.oldest_due_age.values(), default=0.0)


async def queue_figures(db: Database) -> QueueFigures:
    """The queue's figures, in one grouped read of the jobs table."""
    now = utcnow()
    due_since = sa.func.min(sa.case((jobs.c.run_at <= now, jobs.c.run_at), else_=None))
    rows = await db.fetch_all(
        sa.select(
            jobs.c.kind, jobs.c.state, sa.func.count().label("n"), due_since.label("due")
        ).group_by(jobs.c.kind, jobs.c.state)
    )
    queued: dict[str, int] = {}
    oldest: dict[str, float] = {}
    running: dict[str, int] = {}
    dead = 0
    for row in rows:
        if row.state == "queued":
            queued[row.kind] = int(row.n)
            oldest[row.kind] = max(0.0, (now - row.due).total_seconds()) if row.due else 0.0
        elif row.state == "running":
            running[row.kind] = int(row.n)
        elif row.state == "dead":
            dead += int(row.n)
    return QueueFigures(queued, oldest, running, dead)


def sqlite_wal_bytes(db: Database) -> int | None:
    """The size of a SQLite database's write-ahead log (None on PostgreSQL or in memory)."""
    if not db.is_sqlite:
        return None
    path = db.url.split("///", 1)[-1].split("?", 1)[0]
    if not path or ":memory:" in path:
        return None
    try:
        return os.path.getsize(path + "-wal")
    except FileNotFoundError:  # no write since the last checkpoint that removed it
        return 0
