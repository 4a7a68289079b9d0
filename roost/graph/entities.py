"""Mastodon API shapes for the social graph (Relationship)."""

from __future__ import annotations

import msgspec


class Relationship(msgspec.Struct, kw_only=True):
    id: str
    following: bool
    showing_reblogs: bool
    notifying: bool
    languages: list[str] | None
    followed_by: bool
    blocking: bool
    blocked_by: bool
    muting: bool
    muting_notifications: bool
    muting_expires_at: str | None
    requested: bool
    requested_by: bool
    domain_blocking: bool
    endorsed: bool
    note: str
