"""Reading and adding custom emojis."""

from __future__ import annotations

import re

import sqlalchemy as sa

from roost.accounts.entities import CustomEmoji
from roost.db import Database
from roost.emojis.tables import custom_emojis
from roost.errors import Invalid
from roost.ids import new_id
from roost.timeutil import utcnow

SHORTCODE_RE = re.compile(r"^[A-Za-z0-9_]{2,64}$")


async def list_custom_emojis(db: Database) -> list[CustomEmoji]:
    """Every custom emoji, by shortcode."""
    rows = await db.fetch_all(sa.select(custom_emojis).order_by(custom_emojis.c.shortcode))
    return [
        CustomEmoji(
            shortcode=r.shortcode,
            url=r.url,
            static_url=r.static_url,
            visible_in_picker=bool(r.visible_in_picker),
            category=r.category,
        )
        for r in rows
    ]


async def do_add_custom_emoji(
    db: Database, shortcode: str, url: str, *, category: str | None = None
) -> None:
    """Add (or replace) a custom emoji whose image is served at `url`."""
    if not SHORTCODE_RE.match(shortcode):
        raise Invalid("Shortcode must be 2-64 letters, digits or underscores")
    if not url.startswith(("http://", "https://", "/")):
        raise Invalid("URL must be absolute")
    async with db.transaction() as tx:
        await tx.execute(custom_emojis.delete().where(custom_emojis.c.shortcode == shortcode))
        await tx.execute(
            custom_emojis.insert().values(
                id=new_id(),
                shortcode=shortcode,
                url=url,
                static_url=url,
                category=category,
                created_at=utcnow(),
            )
        )
