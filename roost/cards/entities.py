"""Mastodon's PreviewCard entity (4.5)."""

from __future__ import annotations

import msgspec


class PreviewCardAuthor(msgspec.Struct, kw_only=True):
    name: str
    url: str
    account: None = None  # a fediverse account, once Roost federates


class PreviewCard(msgspec.Struct, kw_only=True):
    url: str
    title: str
    description: str
    language: str | None
    type: str  # link, photo, video, rich
    author_name: str
    author_url: str
    provider_name: str
    provider_url: str
    html: str
    width: int
    height: int
    image: str | None
    image_description: str
    embed_url: str
    blurhash: str | None
    published_at: str | None
    authors: list[PreviewCardAuthor]


class TrendsLinkHistory(msgspec.Struct, kw_only=True):
    day: str  # unix time of the day's midnight (UTC), as a string
    accounts: str
    uses: str


class TrendsLink(PreviewCard, kw_only=True):
    """A trending link: its card, and how many people shared it each day of the week."""

    history: list[TrendsLinkHistory]
