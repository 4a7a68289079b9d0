"""Mastodon's MediaAttachment entity (4.5)."""

from __future__ import annotations

from typing import Any

import msgspec

TYPES = ("image", "gifv", "video", "audio", "unknown")


class MediaAttachment(msgspec.Struct, kw_only=True):
    """An uploaded file as clients see it. `url` is null while it is processed (202 from
    POST /api/v2/media); `meta` holds `original` and `small` sizes (`width`, `height`,
    `size` "WxH", `aspect`), for video and audio `duration`, `fps`, `frame_rate` and
    `bitrate`, and `focus` {x, y} when set."""

    id: str
    type: str  # TYPES
    url: str | None
    preview_url: str | None
    remote_url: str | None = None
    preview_remote_url: str | None = None
    text_url: str | None = None
    meta: dict[str, Any] | None = None
    description: str | None = None
    blurhash: str | None = None
