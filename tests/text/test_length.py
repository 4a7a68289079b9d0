"""roost.text.length: twitter-text's weighted-length conformance data, and agreement with
twitter_text's own parse_tweet."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from roost.text import emoji
from roost.text.length import is_valid_length, weighted_length
from tests.text.conformance import EXTRACT, VALIDATE, cases


@pytest.mark.parametrize(
    ("text", "expected"),
    cases(
        VALIDATE,
        "WeightedTweetsWithDiscountedEmojiCounterTest",
        "UnicodeDirectionalMarkerCounterTest",
    ),
)
def test_weighted_length_conformance(text: str, expected: dict[str, Any]) -> None:
    assert weighted_length(text) == expected["weightedLength"]
    assert is_valid_length(text, limit=280) is expected["valid"]


# --------------------------------------------------------------------------- vs parse_tweet


def _all_texts() -> list[str]:
    texts = [
        case["text"]
        for data in (VALIDATE, EXTRACT)
        for cases in data.values()
        for case in cases
        if isinstance(case.get("text"), str)
    ]
    rng = random.Random(20240601)
    alphabet = [
        *"ab .#@$1/:\n\r\u00e9\u0301\u2000\u2010\u2032\u3042\ufeff\u200d\ufe0f\u20e3",
        *"\u00a9\u263a\u270c\U0001f600\U0001f3fd\U0001f468\U0001f469\U0001f1ef\U0001f1f5",
        *("http://example.com/a", "x.co", "\U0001f3f4\U000e0067\U000e0062\U000e007f"),
    ]
    texts += ["".join(rng.choices(alphabet, k=rng.randint(0, 40))) for _ in range(300)]
    return texts


ALL_TEXTS = _all_texts()


def test_weighted_length_matches_parse_tweet() -> None:
    """weighted_length reimplements parse_tweet's loop for speed; the numbers must agree."""
    from twitter_text import parse_tweet

    for text in ALL_TEXTS:
        result = parse_tweet(text)
        assert weighted_length(text) == result.weightedLength, repr(text)
        assert is_valid_length(text, limit=280) is result.valid, repr(text)


def test_emoji_fast_path_matches_full_regex() -> None:
    """The per-first-character emoji search finds what twitter_text's emoji regex finds."""
    for text in ALL_TEXTS:
        assert emoji.emoji_spans(text) == emoji.emoji_spans_slow(text), repr(text)


def test_import_needs_no_pkg_resources() -> None:
    """twitter_text imports pkg_resources: deprecated, slow, and absent without setuptools."""
    code = (
        "import sys; sys.modules['pkg_resources'] = None\n"
        "from roost.text.length import weighted_length\n"
        "assert weighted_length('Hi \\U0001f600 http://test.co') == 29\n"
        "assert sys.modules['pkg_resources'] is None\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=root, check=True)


# --------------------------------------------------------------------------- own cases


def test_weighted_length_basics() -> None:
    assert weighted_length("") == 0
    assert not is_valid_length("")
    assert weighted_length("a" * 500) == 500
    assert is_valid_length("a" * 500)
    assert not is_valid_length("a" * 501)
    assert weighted_length("日本") == 4
    assert weighted_length("e\u0301") == 1  # NFC: one code point
    assert weighted_length("a\r\nb") == 3
    assert weighted_length("see https://example.com/" + "x" * 200) == 4 + 23
    assert weighted_length("\U0001f468\u200d\U0001f469\u200d\U0001f467") == 2
    assert not is_valid_length("ok\ufeff")
