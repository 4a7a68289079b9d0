"""Mastodon's List entity."""

from __future__ import annotations

import msgspec


class List(msgspec.Struct, kw_only=True):
    id: str
    title: str
    replies_policy: str  # followed, list or none
    exclusive: bool = False  # members' posts leave the home feed
