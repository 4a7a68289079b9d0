"""Trending links: the cards of links that many different people shared in public posts
lately, scored as hashtags are (one per account, weighed by the age of its latest share)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import msgspec
import sqlalchemy as sa

from roost.cards.entities import TrendsLink, TrendsLinkHistory
from roost.cards.render import card_entity, cards_by_id
from roost.db import Database
from roost.db.prepared import any_of
from roost.ids import id_at, id_time
from roost.media.storage import MediaStorage
from roost.statuses.tables import statuses
from roost.timeutil import utcnow

HISTORY_DAYS = 7
_EPOCH = datetime(1970, 1, 1)  # times are naive UTC

_SHARES = sa.select(statuses.c.card_id, statuses.c.account_id, statuses.c.id).where(
    any_of(statuses.c.card_id, "ids"),
    statuses.c.id >= sa.bindparam("since", type_=sa.BigInteger),
    statuses.c.visibility == "public",
    statuses.c.reblog_of_id.is_(None),
)


def share_rows(eligible: list[sa.ColumnElement[bool]], since: int) -> sa.Select[Any]:
    """(card, account, latest post) of each account that shared each card since `since`,
    among the posts `eligible` lets count."""
    return (
        sa.select(statuses.c.card_id, statuses.c.account_id, sa.func.max(statuses.c.id))
        .where(statuses.c.id >= since, statuses.c.card_id.is_not(None), *eligible)
        .group_by(statuses.c.card_id, statuses.c.account_id)
    )


async def render_links(
    db: Database, storage: MediaStorage, ids: list[int], now: datetime | None = None
) -> list[TrendsLink]:
    """TrendsLink entities of the cards `ids`, in that order, with their week's history
    (two queries)."""
    cards = await cards_by_id(db, ids)
    if not cards:
        return []
    now = now or utcnow()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = today - timedelta(days=HISTORY_DAYS - 1)
    uses: dict[tuple[int, datetime], int] = defaultdict(int)
    people: dict[tuple[int, datetime], set[int]] = defaultdict(set)
    for row in await db.fetch_all(_SHARES, {"ids": list(cards), "since": id_at(first_day)}):
        at = id_time(row.id).replace(tzinfo=None)
        day = at.replace(hour=0, minute=0, second=0, microsecond=0)
        uses[row.card_id, day] += 1
        people[row.card_id, day].add(row.account_id)
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS)]
    links = []
    for i in ids:
        if i not in cards:
            continue
        card = card_entity(cards[i], storage.url)
        history = [
            TrendsLinkHistory(
                day=str(int((d - _EPOCH).total_seconds())),
                accounts=str(len(people[i, d])),
                uses=str(uses[i, d]),
            )
            for d in days
        ]
        links.append(TrendsLink(**msgspec.structs.asdict(card), history=history))
    return links
