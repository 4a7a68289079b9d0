"""Read markers: where the viewer stopped reading home and notifications."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
import sqlalchemy as sa

from roost.db import Database
from roost.timelines.tables import markers
from roost.timeutil import iso, utcnow

TIMELINES = ("home", "notifications")


class Marker(msgspec.Struct, kw_only=True):
    last_read_id: str
    version: int
    updated_at: str


async def access_markers(
    db: Database, account_id: int, timelines: Sequence[str]
) -> dict[str, Marker]:
    """The viewer's markers for the given timelines (those never set are absent)."""
    wanted = [t for t in timelines if t in TIMELINES]
    if not wanted:
        return {}
    rows = await db.fetch_all(
        sa.select(markers).where(markers.c.account_id == account_id, markers.c.timeline.in_(wanted))
    )
    return {
        r.timeline: Marker(
            last_read_id=str(r.last_read_id), version=r.version, updated_at=iso(r.updated_at)
        )
        for r in rows
    }


async def last_read_id(db: Database, account_id: int, timeline: str) -> int | None:
    """Where the account stopped reading `timeline` (None: never set)."""
    return await db.scalar(  # type: ignore[no-any-return]  # a BIGINT column or None
        sa.select(markers.c.last_read_id).where(
            markers.c.account_id == account_id, markers.c.timeline == timeline
        )
    )


async def do_save_markers(db: Database, account_id: int, positions: dict[str, int]) -> None:
    """Set markers (one transaction); each save bumps the marker's version."""
    now = utcnow()
    async with db.transaction() as tx:
        for timeline, last_read_id in positions.items():
            updated = await tx.execute(
                markers.update()
                .where(markers.c.account_id == account_id, markers.c.timeline == timeline)
                .values(last_read_id=last_read_id, version=markers.c.version + 1, updated_at=now)
            )
            if not updated.rowcount:
                await tx.execute(
                    markers.insert().values(
                        account_id=account_id,
                        timeline=timeline,
                        last_read_id=last_read_id,
                        version=0,
                        updated_at=now,
                    )
                )
