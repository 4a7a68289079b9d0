"""twitter-text v3 weighted length, the measure of a post against the character limit.

This is the algorithm of twitter_text's ``parse_tweet`` run over whole segments, with its
URL extractor, its emoji regular expression (see ``emoji``) and its v3 configuration; the
tests check the result against ``parse_tweet``.
"""

from __future__ import annotations

import re

from roost.text.emoji import emoji_spans
from roost.text.normalise import normalise
from roost.text.twitter import V3, url_matches

__all__ = ["is_valid_length", "weighted_length"]

_SCALE: int = V3["scale"]
_DEFAULT_WEIGHT: int = V3["default_weight"]
_URL_WEIGHT: int = V3["transformed_url_length"] * _SCALE
_range_weights = {r["weight"] for r in V3["ranges"]}
if len(_range_weights) != 1 or not V3.get("emoji_parsing_enabled"):
    raise RuntimeError(f"unexpected twitter-text v3 config: {V3!r}")
_LIGHT_WEIGHT: int = _range_weights.pop()
# Code points outside the config's ranges weigh _DEFAULT_WEIGHT (U+0000-U+10FF,
# U+2000-U+200D, U+2010-U+201F and U+2032-U+2037 are the light ones).
_HEAVY_RE = re.compile(
    "[^" + "".join(f"\\U{r['start']:08x}-\\U{r['end']:08x}" for r in V3["ranges"]) + "]"
)
_INVALID_CHARS_RE = re.compile("[\ufffe\ufeff\uffff]")


def _weigh(text: str) -> tuple[int, bool]:
    """Weighted length, and whether the text is free of invalid characters."""
    t = normalise(text)
    ascii_only = t.isascii()
    spans: dict[int, tuple[int, int]] = {}  # start -> (length, weight)
    for start, end in emoji_spans(t):
        spans[start] = (end - start, _DEFAULT_WEIGHT)
    if "." in t:
        for url, start, _end in url_matches(t):
            # parse_tweet looks URLs up before emoji and skips len(url) code points
            spans[start] = (len(url), _URL_WEIGHT)
    total = 0
    pos = 0
    for start in sorted(spans):
        if start < pos:
            continue
        total += _segment_weight(t, pos, start, ascii_only)
        length, weight = spans[start]
        total += weight
        pos = start + length
    total += _segment_weight(t, pos, len(t), ascii_only)
    return total // _SCALE, _INVALID_CHARS_RE.search(t) is None


def _segment_weight(text: str, start: int, end: int, ascii_only: bool) -> int:
    if end <= start:
        return 0
    heavy = 0 if ascii_only else len(_HEAVY_RE.findall(text, start, end))
    return (end - start) * _LIGHT_WEIGHT + heavy * (_DEFAULT_WEIGHT - _LIGHT_WEIGHT)


def weighted_length(text: str) -> int:
    """twitter-text v3 weighted length.

    After NFC normalisation (and CRLF -> LF), code points in U+0000-U+10FF,
    U+2000-U+200D, U+2010-U+201F and U+2032-U+2037 count 1 and all others 2; each emoji
    (a whole sequence, e.g. a ZWJ family) counts 2 and each URL 23.
    """
    return _weigh(text)[0]


def is_valid_length(text: str, limit: int = 500) -> bool:
    """Whether ``0 < weighted_length(text) <= limit`` and the text holds none of U+FFFE,
    U+FEFF, U+FFFF. An empty text is not valid: allow media-only posts separately."""
    length, clean = _weigh(text)
    return clean and 0 < length <= limit
