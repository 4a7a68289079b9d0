"""The one form of post text that lengths and entity indices are measured in."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["nfc", "normalise"]

_LINE_ENDINGS_RE = re.compile(r"\r\n?")


def nfc(text: str) -> str:
    """Unicode normalisation form C."""
    return unicodedata.normalize("NFC", text)


def normalise(text: str) -> str:
    """NFC, and CRLF/CR line endings to LF."""
    text = unicodedata.normalize("NFC", text)
    return _LINE_ENDINGS_RE.sub("\n", text) if "\r" in text else text
