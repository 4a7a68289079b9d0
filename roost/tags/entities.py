"""Mastodon API shapes for featured hashtags (FeaturedTag). The Tag entity is search's
(roost.search.entities), as hashtags were first rendered there."""

from __future__ import annotations

import msgspec


class FeaturedTag(msgspec.Struct, kw_only=True):
    id: str
    name: str
    url: str  # the profile's posts with the tag: {base}/@{username}/tagged/{name}
    statuses_count: str  # a string, as Mastodon sends it
    last_status_at: str | None  # a date (2026-12-04), not a time
