"""Cards as the API shows them, read in one query for a whole page of statuses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from roost.cards.entities import PreviewCard, PreviewCardAuthor
from roost.cards.tables import preview_cards
from roost.db import Database
from roost.db.prepared import any_of
from roost.timeutil import iso_or_none

_BY_ID = sa.select(preview_cards).where(any_of(preview_cards.c.id, "ids"))


async def cards_by_id(db: Database, ids: Sequence[int]) -> dict[int, Any]:
    """The preview_cards rows of `ids` (no query for none)."""
    if not ids:
        return {}
    return {r.id: r for r in await db.fetch_all(_BY_ID, {"ids": list(set(ids))})}


async def card_urls(db: Database, ids: Sequence[int]) -> list[str]:
    """The URLs of the cards `ids`, in that order."""
    found = await cards_by_id(db, ids)
    return [found[i].url for i in ids if i in found]


async def card_id_of(db: Database, target: str) -> int | None:
    """The id of the card of a URL (or of a card id given as digits), if there is one."""
    column = preview_cards.c.id if target.isdigit() else preview_cards.c.url
    value: object = int(target) if target.isdigit() else target
    found = await db.scalar(sa.select(preview_cards.c.id).where(column == value))
    return None if found is None else int(found)


def card_entity(row: Any, media_url: Callable[[str], str]) -> PreviewCard:
    """A preview_cards row as Mastodon's PreviewCard (`media_url`: the storage's URL of a
    key, for its picture)."""
    authors = (
        [PreviewCardAuthor(name=row.author_name, url=row.author_url)] if row.author_name else []
    )
    return PreviewCard(
        url=row.url,
        title=row.title,
        description=row.description,
        language=row.language,
        type=row.type,
        author_name=row.author_name,
        author_url=row.author_url,
        provider_name=row.provider_name,
        provider_url=row.provider_url,
        html=row.html,
        width=row.width,
        height=row.height,
        image=media_url(row.image_key) if row.image_key else None,
        image_description=row.image_description,
        embed_url=row.embed_url,
        blurhash=row.blurhash,
        published_at=iso_or_none(row.published_at),
        authors=authors,
    )
