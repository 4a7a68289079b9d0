"""Mastodon's Poll entity."""

from __future__ import annotations

import msgspec

from roost.accounts.entities import CustomEmoji

MAX_OPTIONS = 4
MAX_OPTION_CHARS = 50
MIN_EXPIRATION = 5 * 60  # seconds
MAX_EXPIRATION = 30 * 24 * 3600


class PollOption(msgspec.Struct, kw_only=True):
    title: str
    votes_count: int | None  # None while the totals are hidden (`hide_totals`, still open)


class Poll(msgspec.Struct, kw_only=True):
    id: str
    expires_at: str | None
    expired: bool
    multiple: bool
    votes_count: int
    voters_count: int | None
    options: list[PollOption]
    emojis: list[CustomEmoji]
    voted: bool | None = None  # None without a viewer (no token)
    own_votes: list[int] | None = None
