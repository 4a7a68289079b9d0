"""Invisible characters that change how text reads: bidirectional controls and zero-width
characters, kept out of links and display names so that they cannot disguise them.

An override (U+202E) reverses the characters after it, so ``https://example.com/`` followed
by U+202E and ``gpj.exe`` reads as a link to ``example.com/exe.jpg``; a zero-width space
splits a URL (twitter-text ends a URL at these characters) or makes two look-alike names
differ. UAX #9 recommends isolates over embeddings and overrides, UTR #36 describes these
spoofs, and UTS #39 keeps default-ignorable characters (all of these) out of identifiers.
"""

from __future__ import annotations

import re

__all__ = [
    "clean_display_name",
    "control_near",
    "has_stray_controls",
    "isolate_embeddings",
    "without_controls",
]

# Unicode's Bidi_Control characters: the Arabic letter mark, LRM and RLM, the embeddings
# and overrides with PDF (U+202A-U+202E), and the isolates with PDI (U+2066-U+2069).
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Zero-width space, word joiner, invisible operators and the byte order mark (which
# twitter-text counts as an invalid character): invisible, and needed in neither a URL
# nor a name.
_INVISIBLES = "\u200b\u2060-\u2064\ufeff"
_JOINERS = "\u200c\u200d"  # ZWNJ, ZWJ
_CONTROL_RE = re.compile(f"[{_BIDI_CONTROLS}{_INVISIBLES}{_JOINERS}]")
_NAME_CONTROL_RE = re.compile(f"[{_BIDI_CONTROLS}{_INVISIBLES}]")
# ZWJ joins emoji into one (👨‍👩‍👧, 🏳️‍🌈) and Indic letters into conjuncts, and ZWNJ
# is part of Persian and Indic spelling; all of those sit between two non-ASCII characters.
# Next to ASCII, a space, another joiner or either end of the name a joiner does nothing
# visible and only makes two names that look the same differ.
_STRAY_JOINER_RE = re.compile(
    f"(?:^|(?<=[\\x00-\\x7f\\s{_JOINERS}]))[{_JOINERS}]"
    f"|[{_JOINERS}](?=[\\x00-\\x7f\\s{_JOINERS}]|$)"
)
_AS_ISOLATE = str.maketrans(
    {
        "\u202a": "\u2066",  # LRE -> LRI
        "\u202b": "\u2067",  # RLE -> RLI
        "\u202c": "\u2069",  # PDF -> PDI
        "\u202d": "\u2066",  # LRO -> LRI
        "\u202e": "\u2067",  # RLO -> RLI
    }
)


def has_stray_controls(text: str) -> bool:
    """Whether ``text`` holds a bidirectional control, an invisible character, or a joiner
    that is not between two non-ASCII characters (see ``clean_display_name``)."""
    return _NAME_CONTROL_RE.search(text) is not None or _STRAY_JOINER_RE.search(text) is not None


def control_near(text: str, start: int, end: int) -> bool:
    """Whether a bidirectional control or zero-width character is in ``text[start:end]`` or
    right next to it."""
    return _CONTROL_RE.search(text, max(start - 1, 0), end + 1) is not None


def without_controls(text: str) -> tuple[str, list[int]]:
    """``text`` without bidirectional controls and zero-width characters, and the index in
    ``text`` of each character kept."""
    kept = [i for i, char in enumerate(text) if not _CONTROL_RE.match(char)]
    return "".join(text[i] for i in kept), kept


def isolate_embeddings(text: str) -> str:
    """Embeddings and overrides (U+202A-U+202E) as the isolates of the same direction.

    The text keeps its direction, but an isolate cannot reverse characters (as an override
    does) or reorder the text around it, such as a link next to it.
    """
    return text.translate(_AS_ISOLATE)


def clean_display_name(name: str) -> str:
    """A display name without bidirectional controls or invisible characters: zero-width
    (non-)joiners are kept only between two non-ASCII characters, as in emoji sequences."""
    return _STRAY_JOINER_RE.sub("", _NAME_CONTROL_RE.sub("", name))
