"""Whether the instance is read-only for maintenance: set by the operator, seen by every
web process within CHECK_SECONDS."""

from __future__ import annotations

import asyncio
import logging

import sqlalchemy as sa

from roost.db import Database
from roost.maintenance.tables import instance_flags
from roost.timeutil import utcnow

FLAG = "maintenance"
CHECK_SECONDS = 2.0  # how often each web process reads the switch
log = logging.getLogger(__name__)
DEFAULT_MESSAGE = "This server is read-only for maintenance for a few minutes"


async def do_set_maintenance(db: Database, on: bool, message: str = "") -> None:
    """Turn read-only mode on (with the message people see) or off, for every process."""
    async with db.transaction() as tx:
        await tx.execute(instance_flags.delete().where(instance_flags.c.name == FLAG))
        if on:
            await tx.execute(
                instance_flags.insert(),
                [{"name": FLAG, "value": message.strip() or DEFAULT_MESSAGE,
                  "updated_at": utcnow()}],
            )  # fmt: skip


async def maintenance_message(db: Database) -> str | None:
    """The message of read-only mode when it is on; None when it is off."""
    value = await db.scalar(sa.select(instance_flags.c.value).where(instance_flags.c.name == FLAG))
    return None if value is None else str(value)


class Maintenance:
    """One process's view of read-only mode: `message` is read from memory (no request
    waits on it), and `watch` (run by each web process) reads the database every
    CHECK_SECONDS, so `roost maintenance on` reaches every process within that time."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.message: str | None = None

    async def refresh(self) -> str | None:
        """Read the switch now; returns the message (None: off)."""
        self.message = await maintenance_message(self.db)
        return self.message

    async def watch(self) -> None:
        """Keep `message` current until cancelled; while the database is away, keep the
        last value read."""
        while True:
            try:
                await self.refresh()
            except Exception:
                log.warning("could not read the maintenance switch", exc_info=True)
            await asyncio.sleep(CHECK_SECONDS)
