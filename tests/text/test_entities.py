"""roost.text.entities: twitter-text's extraction conformance data, and Mastodon's mentions."""

from __future__ import annotations

from typing import Any

import pytest

from roost.text.entities import (
    Entity,
    extract_cashtags,
    extract_entities,
    extract_hashtags,
    extract_mentions,
    extract_urls,
)
from tests.text.conformance import EXTRACT, cases


@pytest.mark.parametrize(("text", "expected"), cases(EXTRACT, "mentions"))
def test_extract_mentions(text: str, expected: list[str]) -> None:
    assert [e.text for e in extract_mentions(text)] == expected


@pytest.mark.parametrize(("text", "expected"), cases(EXTRACT, "mentions_with_indices"))
def test_extract_mentions_with_indices(text: str, expected: list[dict[str, Any]]) -> None:
    want = [Entity("mention", e["screen_name"], *e["indices"]) for e in expected]
    assert extract_mentions(text) == want


@pytest.mark.parametrize(("text", "expected"), cases(EXTRACT, "hashtags", "hashtags_from_astral"))
def test_extract_hashtags(text: str, expected: list[str]) -> None:
    assert [e.text for e in extract_hashtags(text)] == expected


@pytest.mark.parametrize(("text", "expected"), cases(EXTRACT, "hashtags_with_indices"))
def test_extract_hashtags_with_indices(text: str, expected: list[dict[str, Any]]) -> None:
    want = [Entity("hashtag", e["hashtag"], *e["indices"]) for e in expected]
    assert extract_hashtags(text) == want


@pytest.mark.parametrize(("text", "expected"), cases(EXTRACT, "cashtags"))
def test_extract_cashtags(text: str, expected: list[str]) -> None:
    assert [e.text for e in extract_cashtags(text)] == expected


@pytest.mark.parametrize(("text", "expected"), cases(EXTRACT, "cashtags_with_indices"))
def test_extract_cashtags_with_indices(text: str, expected: list[dict[str, Any]]) -> None:
    want = [Entity("cashtag", e["cashtag"], *e["indices"]) for e in expected]
    assert extract_cashtags(text) == want


@pytest.mark.parametrize(("text", "expected"), cases(EXTRACT, "urls", "tco_urls_with_params"))
def test_extract_urls(text: str, expected: list[str]) -> None:
    assert [e.text for e in extract_urls(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"), cases(EXTRACT, "urls_with_indices", "urls_with_directional_markers")
)
def test_extract_urls_with_indices(text: str, expected: list[dict[str, Any]]) -> None:
    want = [Entity("url", e["url"], *e["indices"]) for e in expected]
    assert extract_urls(text) == want


# --------------------------------------------------------------------------- own cases


def test_mastodon_style_mentions() -> None:
    text = "hi @alice@social.example.org and @bob, mail carol@example.com"
    assert extract_mentions(text) == [
        Entity("mention", "alice@social.example.org", 3, 28),
        Entity("mention", "bob", 33, 37),
    ]
    assert extract_mentions("@test@example.com") == [Entity("mention", "test@example.com", 0, 17)]
    assert extract_mentions("@bob@example.com.") == [Entity("mention", "bob@example.com", 0, 16)]
    assert extract_mentions("foo@bar") == []
    assert extract_mentions("@" + "a" * 31) == []  # too long: not cut short
    assert extract_mentions("see https://mastodon.social/@Gargron") == []
    assert extract_mentions("https://host.invalid/@bob a=@b") == []
    assert extract_mentions("so long, RT:@bob") == [Entity("mention", "bob", 12, 16)]
    assert extract_mentions("so long, xRT@bob") == []


def test_extract_entities_sorted_without_overlap() -> None:
    text = "@ann #one $TSLA http://example.com/#two/@x example.org #three"
    assert extract_entities(text) == [
        Entity("mention", "ann", 0, 4),
        Entity("hashtag", "one", 5, 9),
        Entity("cashtag", "TSLA", 10, 15),
        Entity("url", "http://example.com/#two/@x", 16, 42),
        Entity("url", "example.org", 43, 54),
        Entity("hashtag", "three", 55, 61),
    ]


def test_controls_neither_split_nor_hide_in_urls() -> None:
    # twitter-text ends the URL at U+202E, leaving "gpj.exe" (shown reversed) outside the link
    assert extract_urls("https://example.com/\u202egpj.exe") == [
        Entity("url", "https://example.com/gpj.exe", 0, 28)
    ]
    assert extract_urls("see https://exa\u200bmple.com/x") == [
        Entity("url", "https://example.com/x", 4, 26)
    ]
    # around a URL they stay outside it, as in twitter-text's conformance data
    assert extract_urls("\u2066https://example.com/\u2069 \u0628") == [
        Entity("url", "https://example.com/", 1, 21)
    ]
    assert extract_entities("#a https://example.com/\u200b#b @c") == [
        Entity("hashtag", "a", 0, 2),
        Entity("url", "https://example.com/#b", 3, 26),
        Entity("mention", "c", 27, 29),
    ]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("see http://127.0.0.1:8511/page ok", "http://127.0.0.1:8511/page"),
        ("(http://localhost:8000/x).", "http://localhost:8000/x"),
        ("https://10.0.0.1/a, then", "https://10.0.0.1/a"),
        ("http://[::1]:80/p", "http://[::1]:80/p"),
        ("http://256.1.2.3/", None),  # no such address
        ("http://1.2.3.4.5/", None),
        ("localhost:8000/x", None),  # without its scheme, an address is no link
    ],
)
def test_urls_with_an_address_or_localhost(text: str, url: str | None) -> None:
    """A URL written with its scheme is a link whatever its host (the issue asks that
    `http://127.0.0.1:8511/page` be one); twitter-text alone wants a known domain."""
    found = [e.text for e in extract_entities(text) if e.kind == "url"]
    assert found == ([url] if url else [])
