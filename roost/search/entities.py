"""Mastodon API shapes for search (Search) and hashtags (Tag)."""

from __future__ import annotations

import msgspec

from roost.accounts.entities import Account
from roost.statuses.entities import Status


class TagHistory(msgspec.Struct, kw_only=True):
    day: str  # unix time of the day's midnight (UTC), as a string
    uses: str
    accounts: str


class Tag(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: str
    name: str
    url: str
    history: list[TagHistory]
    # Mastodon sends these two only to a logged-in viewer.
    following: bool | None = None
    featuring: bool | None = None


class SearchResults(msgspec.Struct, kw_only=True):
    accounts: list[Account]
    statuses: list[Status]
    hashtags: list[Tag]
