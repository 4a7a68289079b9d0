"""Reading and adding custom emojis."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from roost.accounts.entities import CustomEmoji
from roost.db import Database
from roost.db.prepared import any_of
from roost.emojis.tables import custom_emojis
from roost.errors import Invalid
from roost.ids import new_id
from roost.timeutil import utcnow

SHORTCODE_RE = re.compile(r"^[A-Za-z0-9_]{2,64}$")
# A `:shortcode:` in a post, as Mastodon finds them: not glued to letters, digits or colons.
IN_TEXT_RE = re.compile(r"(?<![A-Za-z0-9_:]):([A-Za-z0-9_]{2,64}):(?![A-Za-z0-9_:])")
_BY_SHORTCODE = sa.select(custom_emojis).where(
    any_of(custom_emojis.c.shortcode, "codes", text=True)
)


def shortcodes_in(*texts: str) -> list[str]:
    """The `:shortcode:`s of `texts`, first appearance first (no query when there are none)."""
    found: dict[str, None] = {}
    for text in texts:
        if ":" in text:
            found.update(dict.fromkeys(IN_TEXT_RE.findall(text)))
    return list(found)


async def emojis_by_shortcode(db: Database, codes: list[str]) -> dict[str, CustomEmoji]:
    """The custom emojis among `codes` (one query; none when `codes` is empty)."""
    if not codes:
        return {}
    rows = await db.fetch_all(_BY_SHORTCODE, {"codes": codes})
    return {r.shortcode: _entity(r) for r in rows}


async def emojis_in(db: Database, *texts: str) -> list[CustomEmoji]:
    """The custom emojis a post's texts use, in order of first use (Mastodon's `emojis`)."""
    codes = shortcodes_in(*texts)
    known = await emojis_by_shortcode(db, codes)
    return [known[c] for c in codes if c in known]


def _entity(r: Any) -> CustomEmoji:
    return CustomEmoji(
        shortcode=r.shortcode,
        url=r.url,
        static_url=r.static_url,
        visible_in_picker=bool(r.visible_in_picker),
        category=r.category,
    )


async def list_custom_emojis(db: Database) -> list[CustomEmoji]:
    """Every custom emoji, by shortcode."""
    rows = await db.fetch_all(sa.select(custom_emojis).order_by(custom_emojis.c.shortcode))
    return [_entity(r) for r in rows]


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
