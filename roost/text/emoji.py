"""Where the emoji are in a text, exactly as twitter_text's emoji regex finds them.

That regex has ~2,500 alternatives, and trying it at every position is nearly all the time
twitter_text's ``parse_tweet`` takes (~1.5 ms for a 200-character post). Here it is split
by the first code point of its alternatives and only tried where an emoji can start.
"""

from __future__ import annotations

import re

from roost.text.charclasses import class_body, to_ranges
from roost.text.twitter import EMOJI

__all__ = ["emoji_spans", "emoji_spans_slow"]


def _build_emoji_dispatch() -> tuple[re.Pattern[str], dict[str, str], bool] | None:
    """Split twitter_text's emoji regex by the first code point of its alternatives.

    Its regex is ``seq_1|seq_2|...|seq_n|[singles]``. At a given position only the
    alternatives starting with the character found there can match, in the same order, so
    trying just those gives the same matches as the whole regex. Returns a regex finding
    the characters an emoji can start with, each such character's alternation, and
    whether any emoji could start in ASCII; None if the package's internals are not the
    expected shape (the full regex is then used).
    """
    try:
        sequences: list[str] = EMOJI.multi_codepoint_emoji_joined.split("|")
        single_ranges: list[tuple[int, int]] = list(EMOJI.single_codepoint_emoji_ranges)
    except AttributeError:
        return None
    seq_re = re.compile(r"(?:\\U[0-9A-Fa-f]{8})+")
    if not sequences or not all(seq_re.fullmatch(s) for s in sequences):
        return None
    by_first: dict[str, list[str]] = {}
    ascii_start = False
    for seq in sequences:
        first = chr(int(seq[2:10], 16))
        by_first.setdefault(first, []).append(seq)
        ascii_start = ascii_start or all(
            int(seq[i + 2 : i + 10], 16) < 0x80 for i in range(0, len(seq), 10)
        )
    for lo, hi in single_ranges:
        ascii_start = ascii_start or lo < 0x80
        for cp in range(lo, hi + 1):
            by_first.setdefault(chr(cp), []).append(f"\\U{cp:08x}")
    # Astral candidates go behind a cheap astral-only test, or every BMP character that is
    # not a candidate would be compared against each of their ranges in turn.
    bmp: list[int] = []
    astral: list[int] = []
    for cp in sorted(ord(c) for c in by_first):
        (bmp if cp < 0x10000 else astral).append(cp)
    starters = re.compile(
        f"[{class_body(to_ranges(bmp))}]"
        f"|(?=[\\U00010000-\\U0010ffff])[{class_body(to_ranges(astral))}]"
    )
    return starters, {c: "|".join(alts) for c, alts in by_first.items()}, ascii_start


_EMOJI_RE: re.Pattern[str] = EMOJI.emoji
_emoji_dispatch = _build_emoji_dispatch()
_EMOJI_BY_FIRST: dict[str, re.Pattern[str]] = {}  # compiled on first use


def emoji_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each emoji, exactly as ``_EMOJI_RE.finditer`` would find them."""
    if _emoji_dispatch is None:
        return [m.span() for m in _EMOJI_RE.finditer(text)]
    starters, sources, ascii_start = _emoji_dispatch
    if not ascii_start and text.isascii():
        return []
    spans: list[tuple[int, int]] = []
    pos = 0
    while (found := starters.search(text, pos)) is not None:
        at = found.start()
        char = text[at]
        pattern = _EMOJI_BY_FIRST.get(char)
        if pattern is None:
            pattern = _EMOJI_BY_FIRST[char] = re.compile(sources[char])
        m = pattern.match(text, at)
        if m is None:
            pos = at + 1
        else:
            spans.append(m.span())
            pos = m.end()
    return spans


def emoji_spans_slow(text: str) -> list[tuple[int, int]]:
    """The reference the fast path must agree with (used by the tests)."""
    return [m.span() for m in _EMOJI_RE.finditer(text)]
