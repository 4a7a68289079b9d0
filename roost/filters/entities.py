"""Mastodon's Filter, FilterKeyword, FilterStatus, FilterResult and V1::Filter entities."""

from __future__ import annotations

import msgspec


class FilterKeyword(msgspec.Struct, kw_only=True):
    id: str
    keyword: str
    whole_word: bool


class FilterStatus(msgspec.Struct, kw_only=True):
    id: str
    status_id: str


class Filter(msgspec.Struct, kw_only=True):
    """A filter; inside a FilterResult its keywords and statuses are left out (Mastodon's
    `rules_requested: false`)."""

    id: str
    title: str
    context: list[str]
    expires_at: str | None
    filter_action: str  # warn, hide or blur
    keywords: list[FilterKeyword] | msgspec.UnsetType = msgspec.UNSET
    statuses: list[FilterStatus] | msgspec.UnsetType = msgspec.UNSET


class FilterResult(msgspec.Struct, kw_only=True):
    """A filter that matched a status (a status's `filtered`)."""

    filter: Filter
    keyword_matches: list[str] | None
    status_matches: list[str] | None


class V1Filter(msgspec.Struct, kw_only=True):
    """The pre-4.0 filter: one keyword of a filter (its `id` is the keyword's)."""

    id: str
    phrase: str
    context: list[str]
    whole_word: bool
    expires_at: str | None
    irreversible: bool  # the filter's action is `hide`
