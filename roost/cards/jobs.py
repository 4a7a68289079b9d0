"""The job that gives a post its link preview card.

The first link of the post is fetched through the guarded outbound client (timeouts, size
caps, bounded redirects, no private addresses unless allowed), once per URL: a card
fetched less than CARD_TTL ago serves every later post that links there. A page that
cannot be fetched or read gives no card, and the job is not retried (as Mastodon's
LinkCrawlWorker): a dead link should not cost the worker eight more tries.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

import anyio.to_thread
import sqlalchemy as sa

from roost.cards.parse import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    OEmbed,
    PageMeta,
    decode_page,
    embed_html,
    first_link,
    language_of,
    published_at,
    read_oembed,
    read_page,
)
from roost.cards.queue import FETCH_CARD
from roost.cards.tables import preview_cards
from roost.db.dialect import insert_or_ignore
from roost.errors import Invalid
from roost.ids import new_id
from roost.jobs.context import JobContext
from roost.jobs.registry import job
from roost.media.backends import storage_of
from roost.media.processing import process_image
from roost.media.storage import MediaStorage
from roost.outbound import OutboundError
from roost.statuses.render import status_key
from roost.statuses.tables import statuses
from roost.timeutil import utcnow

log = logging.getLogger(__name__)

CARD_TTL = timedelta(days=14)  # Mastodon refetches a card after two weeks too
# A URL that gave no card is remembered (an empty row) for a day: a dead link posted a
# thousand times is fetched once.
MISS_TTL = timedelta(days=1)
PAGE_BYTES = 1_000_000  # Mastodon reads at most 1 MB of a page
IMAGE_BYTES = 4_000_000
OEMBED_BYTES = 100_000
SECONDS = 10.0  # for each request (page, oEmbed, picture), redirects included
_ACCEPT_PAGE = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@job(FETCH_CARD)
async def fetch_card(context: JobContext, payload: dict[str, Any]) -> None:
    """Give the status `payload["status_id"]` the card of its first link (or none, when
    its text, edited meanwhile, has no link any more)."""
    status_id = int(payload["status_id"])
    db = context.db
    row = await db.fetch_one(
        sa.select(statuses.c.text, statuses.c.card_id).where(statuses.c.id == status_id)
    )
    if row is None:
        return  # deleted meanwhile
    url = first_link(row.text, context.settings.base_url)
    card_id = None
    if url is not None:
        card = await db.fetch_one(sa.select(preview_cards).where(preview_cards.c.url == url))
        ttl = CARD_TTL if card is not None and shows(card) else MISS_TTL
        if card is None or card.fetched_at < utcnow() - ttl:
            card = await _fetch(context, url, card)
        card_id = card.id if card is not None and shows(card) else None
    if card_id == row.card_id:
        return
    async with db.transaction() as tx:
        await tx.execute(
            statuses.update().where(statuses.c.id == status_id).values(card_id=card_id)
        )
        tx.invalidate(status_key(status_id))


def shows(card: Any) -> bool:
    """Whether a stored card is one to show (not the empty row of a URL that gave none)."""
    return bool(card.title or card.image_key)


async def _fetch(context: JobContext, url: str, known: Any) -> Any:
    """Fetch `url` and store its card (a new row, or `known` refreshed); an empty row when
    the page gives none (`shows` tells them apart)."""
    card_id = known.id if known is not None else new_id()
    storage = storage_of(context)
    fields: dict[str, Any] = {"type": "link", "title": "", "description": ""}
    image: dict[str, Any] = {"image_key": None, "blurhash": None}
    try:
        page = await context.outbound.get(
            url, headers=_ACCEPT_PAGE, max_bytes=PAGE_BYTES, time_limit=SECONDS
        )
    except OutboundError as e:
        log.info("card for %s: %s", url, e)
        page = None
    kind = "" if page is None else page.headers.get("content-type", "").split(";")[0].lower()
    if page is not None and (page.status != 200 or kind.strip() not in _HTML_TYPES):
        log.info("card for %s: answered %s %s", url, page.status, kind or "(no type)")
    elif page is not None:
        text = decode_page(page.body, page.headers.get("content-type", ""))
        meta = await anyio.to_thread.run_sync(read_page, text, page.url)
        oembed = await _oembed(context, meta.oembed) if meta.oembed else None
        fields = _fields(url, meta, oembed)
        if fields["title"] or meta.image:
            image = await _image(context, storage, card_id, oembed_image(oembed) or meta.image)
    if not (fields["title"] or image.get("image_key")) and known is not None and shows(known):
        return known  # a card that could not be fetched again stays as it was
    if fields["type"] != "link":  # a player or photo keeps oEmbed's size
        image.pop("width", None)
        image.pop("height", None)
    now = utcnow()
    fields |= image | {"fetched_at": now}
    async with context.db.transaction() as tx:
        if known is None:
            insert = insert_or_ignore(preview_cards, tx.dialect, "url")
            await tx.execute(insert, [{"id": card_id, "url": url, "created_at": now, **fields}])
        else:
            await tx.execute(
                preview_cards.update().where(preview_cards.c.id == card_id).values(**fields)
            )
            tx.invalidate(*await _statuses_with(tx, card_id))
        stored = await tx.fetch_one(sa.select(preview_cards).where(preview_cards.c.url == url))
    if stored is None or stored.id != card_id:  # another job stored this URL first
        if image.get("image_key"):
            await storage.delete(image["image_key"])
    elif known is not None and known.image_key and known.image_key != stored.image_key:
        await storage.delete(known.image_key)
    return stored


async def _statuses_with(tx: Any, card_id: int) -> list[str]:
    ids = await tx.scalars(sa.select(statuses.c.id).where(statuses.c.card_id == card_id))
    return [status_key(i) for i in ids]


def _fields(url: str, meta: PageMeta, oembed: OEmbed | None) -> dict[str, Any]:
    """The card's columns from the page's metadata, oEmbed's answer first where it has one."""
    kind = "link"
    html, width, height, embed = "", 0, 0, ""
    if oembed is not None:
        if oembed.type == "photo" and oembed.url:
            kind, embed = "photo", oembed.url
        elif oembed.type in ("video", "rich") and (frame := embed_html(oembed.html)):
            kind, html = oembed.type, frame
        width, height = oembed.width or 0, oembed.height or 0
    title = (oembed.title if oembed and oembed.title else meta.title)[:TITLE_MAX]
    return {
        "type": kind,
        "title": title,
        "description": meta.description[:DESCRIPTION_MAX],
        "language": language_of(meta.language),
        "author_name": ((oembed.author_name if oembed else "") or meta.author)[:300],
        "author_url": (oembed.author_url if oembed else "")[:2000],
        "provider_name": ((oembed.provider_name if oembed else "") or meta.site_name)[:300],
        "provider_url": (oembed.provider_url if oembed else "")[:2000],
        "html": html,
        "width": width,
        "height": height,
        "embed_url": embed[:2000],
        "image_description": meta.image_alt[:1500],
        "published_at": published_at(meta.published) if meta.published else None,
    }


def oembed_image(oembed: OEmbed | None) -> str:
    if oembed is None:
        return ""
    return oembed.url if oembed.type == "photo" and oembed.url else oembed.thumbnail_url


async def _oembed(context: JobContext, endpoint: str) -> OEmbed | None:
    try:
        answer = await context.outbound.get(endpoint, max_bytes=OEMBED_BYTES, time_limit=SECONDS)
    except OutboundError as e:
        log.info("oEmbed %s: %s", endpoint, e)
        return None
    return read_oembed(answer.body) if answer.status == 200 else None


async def _image(
    context: JobContext, storage: MediaStorage, card_id: int, url: str
) -> dict[str, Any]:
    """The card's picture, fetched, checked and re-encoded as media are (metadata stripped,
    a bounded size) and stored; {} when there is none or it is unusable."""
    if not url.startswith(("http://", "https://")):
        return {}
    try:
        answer = await context.outbound.get(url, max_bytes=IMAGE_BYTES, time_limit=SECONDS)
        if answer.status != 200:
            return {}
        processed = await anyio.to_thread.run_sync(process_image, answer.body)
    except (OutboundError, Invalid) as e:
        log.info("card image %s: %s", url, e)
        return {}
    small = next((f for f in processed.files if f.role == "small"), None)
    if processed.type != "image" or small is None:
        return {}  # an animation: Mastodon shows no moving card pictures either
    key = f"cards/{card_id}/{secrets.token_hex(8)}{small.ext}"
    await storage.put(key, small.data, small.content_type)
    size = processed.meta.get("small", {})
    return {
        "image_key": key,
        "blurhash": processed.blurhash,
        "width": size.get("width", 0),
        "height": size.get("height", 0),
    }
