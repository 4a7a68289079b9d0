"""Mastodon's Announcement entity and its parts (4.5)."""

from __future__ import annotations

import msgspec

from roost.accounts.entities import CustomEmoji


class AnnouncementAccount(msgspec.Struct, kw_only=True):
    id: str
    username: str
    url: str
    acct: str


class AnnouncementStatus(msgspec.Struct, kw_only=True):
    id: str
    url: str


class AnnouncementTag(msgspec.Struct, kw_only=True):
    name: str
    url: str


class Reaction(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An emoji reaction: `url` and `static_url` only for the instance's custom emojis."""

    name: str
    count: int
    me: bool
    url: str | None = None
    static_url: str | None = None


class ReactionCount(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The streaming `announcement.reaction` payload: the new count, for everyone."""

    name: str
    count: int
    announcement_id: str
    url: str | None = None
    static_url: str | None = None


class Announcement(msgspec.Struct, kw_only=True):
    id: str
    content: str  # HTML
    starts_at: str | None
    ends_at: str | None
    all_day: bool
    published_at: str | None
    updated_at: str
    read: bool  # the viewer dismissed it
    mentions: list[AnnouncementAccount]
    statuses: list[AnnouncementStatus]
    tags: list[AnnouncementTag]
    emojis: list[CustomEmoji]
    reactions: list[Reaction]
