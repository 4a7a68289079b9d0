"""Where media files live, behind one Protocol: a local directory (the default, served by
Roost itself at /media/...) or an S3-compatible bucket (ROOST_MEDIA_S3_BUCKET).

Keys are relative paths (`media_attachments/<id>/original.jpg`, `accounts/avatars/...`).
Every key is written once and never rewritten (a new upload gets a new key), so a file's
URL may be cached forever.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mov": "video/quicktime",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".bin": "application/octet-stream",
}
_KEY = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")


@dataclass(frozen=True)
class StoredFile:
    """One file in the store, as the usage listing sees it."""

    key: str
    size: int


class MediaStorage(Protocol):
    """A store of media files by key. Every implementation passes
    tests/media/test_storage_contract.py."""

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key` (replacing a file already there)."""

    async def get(self, key: str) -> bytes | None:
        """The file's bytes, or None when there is no such file."""

    async def delete(self, key: str) -> None:
        """Remove the file; removing a missing file is not an error."""

    def url(self, key: str) -> str:
        """The public URL a client fetches the file at."""

    def files(self, prefix: str = "") -> AsyncIterator[StoredFile]:
        """Every stored file whose key starts with `prefix` (usage, prune)."""


def check_key(key: str) -> str:
    """`key` when it is a plain relative path (no `..`, no absolute path), else ValueError."""
    if not _KEY.fullmatch(key) or any(part in ("", ".", "..") for part in key.split("/")):
        raise ValueError(f"not a media key: {key!r}")
    if posixpath.normpath(key) != key:
        raise ValueError(f"not a media key: {key!r}")
    return key


def content_type_of(key: str) -> str:
    """The Content-Type a file is served with, from its extension."""
    return CONTENT_TYPES.get(posixpath.splitext(key)[1].lower(), "application/octet-stream")
