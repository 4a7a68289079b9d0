"""Reading one's scheduled posts: nobody else's are ever shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
import sqlalchemy as sa

from roost.db import Database
from roost.db.prepared import any_of
from roost.errors import NotFound
from roost.media.render import render_attachment
from roost.media.storage import MediaStorage
from roost.media.tables import media_attachments
from roost.scheduled.entities import ScheduledStatus, ScheduledStatusParams
from roost.scheduled.tables import scheduled_statuses
from roost.statuses.queries import page
from roost.timeutil import iso


async def access_scheduled(db: Database, account_id: int, row_id: int) -> Any:
    """One of the account's scheduled posts; NotFound for anyone else's."""
    t = scheduled_statuses.c
    row = await db.fetch_one(
        sa.select(scheduled_statuses).where(t.id == row_id, t.account_id == account_id)
    )
    if row is None:
        raise NotFound()
    return row


async def access_scheduled_page(
    db: Database,
    account_id: int,
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 20,
) -> list[Any]:
    """A page of the account's scheduled posts, newest first (Mastodon pages them by id)."""
    query = sa.select(scheduled_statuses).where(scheduled_statuses.c.account_id == account_id)
    paged = page(
        query, scheduled_statuses.c.id, max_id=max_id, since_id=since_id, min_id=min_id,
        limit=limit,
    )  # fmt: skip
    rows = list(await db.fetch_all(paged))
    if min_id is not None:
        rows.reverse()
    return rows


async def access_scheduled_soonest(db: Database, account_id: int, limit: int = 100) -> list[Any]:
    """The account's scheduled posts, the next to be published first (the web page)."""
    t = scheduled_statuses.c
    return list(
        await db.fetch_all(
            sa.select(scheduled_statuses)
            .where(t.account_id == account_id)
            .order_by(t.scheduled_at, t.id)
            .limit(limit)
        )
    )


async def render_scheduled(
    db: Database, rows: Sequence[Any], storage: MediaStorage
) -> list[ScheduledStatus]:
    """The API's ScheduledStatus for each scheduled_statuses row, with the media it holds
    (one query, when some hold media)."""
    held = [r.id for r in rows if stored_params(r).media_ids]
    media: dict[int, list[Any]] = {}
    if held:
        for m in await db.fetch_all(_HELD, {"ids": held}):
            media.setdefault(m.scheduled_status_id, []).append(m)
    return [
        ScheduledStatus(
            id=str(row.id),
            scheduled_at=iso(row.scheduled_at),
            params=(params := stored_params(row)),
            media_attachments=[
                render_attachment(m, storage)
                for m in sorted(
                    media.get(row.id, ()), key=lambda m: (params.media_ids or []).index(str(m.id))
                )
            ],
        )
        for row in rows
    ]


_HELD = sa.select(media_attachments).where(any_of(media_attachments.c.scheduled_status_id, "ids"))


def stored_params(row: Any) -> ScheduledStatusParams:
    """The parameters a row keeps, as the struct they were stored from."""
    return msgspec.convert(row.params, ScheduledStatusParams)
