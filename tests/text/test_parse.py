"""roost.text.parse: twitter-text conformance data, plus rendering and round-trip checks."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from roost.text import parse
from roost.text.parse import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    Entity,
    extract_cashtags,
    extract_entities,
    extract_hashtags,
    extract_mentions,
    extract_urls,
    html_to_text,
    is_valid_length,
    render_html,
    weighted_length,
)

# --------------------------------------------------------------------------- conformance data


def _reference_dir() -> Path | None:
    """twitter-text's conformance YAML: /work/shared next to the repo, or $ROOST_SHARED_DIR."""
    beside_repo = Path(__file__).resolve().parents[3] / "shared" / "reference" / "twitter-text"
    if beside_repo.is_dir():
        return beside_repo
    shared = os.environ.get("ROOST_SHARED_DIR")
    if shared and (Path(shared) / "reference" / "twitter-text").is_dir():
        return Path(shared) / "reference" / "twitter-text"
    return None


REFERENCE_DIR = _reference_dir()
MISSING_REASON = (
    "twitter-text conformance data not found: expected shared/reference/twitter-text beside "
    "the repository, or under $ROOST_SHARED_DIR"
)


def _load(name: str) -> dict[str, list[dict[str, Any]]]:
    if REFERENCE_DIR is None:
        return {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (REFERENCE_DIR / name).open(encoding="utf-8") as f:
        tests: dict[str, list[dict[str, Any]]] = yaml.load(f, Loader=loader)["tests"]
    return tests


VALIDATE = _load("validate.yml")
EXTRACT = _load("extract.yml")

# Cases that cannot pass by design, keyed by (section, description).
XFAIL: dict[tuple[str, str], str] = {
    ("mentions", "Extract lone metion but not @user@user (too close to an email)"): (
        "roost follows Mastodon here: @test@example.com is a mention of a remote account, "
        "which twitter-text rejects as too close to an email address"
    ),
}


def _cases(data: dict[str, list[dict[str, Any]]], *sections: str) -> list[Any]:
    if REFERENCE_DIR is None:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=MISSING_REASON))]
    params = []
    for section in sections:
        for case in data[section]:
            marks = []
            reason = XFAIL.get((section, case["description"]))
            if reason is not None:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            params.append(
                pytest.param(
                    case["text"],
                    case["expected"],
                    marks=marks,
                    id=f"{section}: {case['description']}",
                )
            )
    return params


@pytest.mark.parametrize(
    ("text", "expected"),
    _cases(
        VALIDATE,
        "WeightedTweetsWithDiscountedEmojiCounterTest",
        "UnicodeDirectionalMarkerCounterTest",
    ),
)
def test_weighted_length_conformance(text: str, expected: dict[str, Any]) -> None:
    assert weighted_length(text) == expected["weightedLength"]
    assert is_valid_length(text, limit=280) is expected["valid"]


@pytest.mark.parametrize(("text", "expected"), _cases(EXTRACT, "mentions"))
def test_extract_mentions(text: str, expected: list[str]) -> None:
    assert [e.text for e in extract_mentions(text)] == expected


@pytest.mark.parametrize(("text", "expected"), _cases(EXTRACT, "mentions_with_indices"))
def test_extract_mentions_with_indices(text: str, expected: list[dict[str, Any]]) -> None:
    want = [Entity("mention", e["screen_name"], *e["indices"]) for e in expected]
    assert extract_mentions(text) == want


@pytest.mark.parametrize(("text", "expected"), _cases(EXTRACT, "hashtags", "hashtags_from_astral"))
def test_extract_hashtags(text: str, expected: list[str]) -> None:
    assert [e.text for e in extract_hashtags(text)] == expected


@pytest.mark.parametrize(("text", "expected"), _cases(EXTRACT, "hashtags_with_indices"))
def test_extract_hashtags_with_indices(text: str, expected: list[dict[str, Any]]) -> None:
    want = [Entity("hashtag", e["hashtag"], *e["indices"]) for e in expected]
    assert extract_hashtags(text) == want


@pytest.mark.parametrize(("text", "expected"), _cases(EXTRACT, "cashtags"))
def test_extract_cashtags(text: str, expected: list[str]) -> None:
    assert [e.text for e in extract_cashtags(text)] == expected


@pytest.mark.parametrize(("text", "expected"), _cases(EXTRACT, "cashtags_with_indices"))
def test_extract_cashtags_with_indices(text: str, expected: list[dict[str, Any]]) -> None:
    want = [Entity("cashtag", e["cashtag"], *e["indices"]) for e in expected]
    assert extract_cashtags(text) == want


@pytest.mark.parametrize(("text", "expected"), _cases(EXTRACT, "urls", "tco_urls_with_params"))
def test_extract_urls(text: str, expected: list[str]) -> None:
    assert [e.text for e in extract_urls(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"), _cases(EXTRACT, "urls_with_indices", "urls_with_directional_markers")
)
def test_extract_urls_with_indices(text: str, expected: list[dict[str, Any]]) -> None:
    want = [Entity("url", e["url"], *e["indices"]) for e in expected]
    assert extract_urls(text) == want


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
        assert parse._emoji_spans(text) == parse._emoji_spans_slow(text), repr(text)


def test_import_needs_no_pkg_resources() -> None:
    """twitter_text imports pkg_resources: deprecated, slow, and absent without setuptools."""
    code = (
        "import sys; sys.modules['pkg_resources'] = None\n"
        "from roost.text.parse import weighted_length\n"
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


# --------------------------------------------------------------------------- HTML

ACCOUNTS = {
    "bob": "https://roost.example/@bob",
    "alice@other.example": "https://other.example/@alice",
}


def mention_url(acct: str) -> str | None:
    return ACCOUNTS.get(acct)


def tag_url(tag: str) -> str:
    return f"https://roost.example/tags/{tag.lower()}"


def render(text: str) -> str:
    return render_html(text, mention_url=mention_url, tag_url=tag_url)


def test_render_escapes_text() -> None:
    html = render('<script>alert("x")</script> & <b>bold</b>')
    assert html == ('<p>&lt;script&gt;alert("x")&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;</p>')


def test_render_paragraphs_and_line_breaks() -> None:
    assert render("one\ntwo\n\nthree\r\n\r\n\r\nfour\n") == (
        "<p>one<br />two</p><p>three</p><p>four</p>"
    )
    assert render("a\n   \nb") == "<p>a</p><p>b</p>"
    assert render("") == ""
    assert render(" \n\n ") == ""


def test_render_mentions() -> None:
    assert render("hi @bob!") == (
        '<p>hi <span class="h-card" translate="no"><a href="https://roost.example/@bob" '
        'class="u-url mention">@<span>bob</span></a></span>!</p>'
    )
    assert render("@alice@other.example") == (
        '<p><span class="h-card" translate="no"><a href="https://other.example/@alice" '
        'class="u-url mention">@<span>alice</span></a></span></p>'
    )


def test_render_unknown_mention_stays_text() -> None:
    assert render("hi @nobody and @nobody@else.example") == (
        "<p>hi @nobody and @nobody@else.example</p>"
    )


def test_render_hashtag() -> None:
    assert render("#Roost rocks") == (
        '<p><a href="https://roost.example/tags/roost" class="mention hashtag" rel="tag">'
        "#<span>Roost</span></a> rocks</p>"
    )


def test_render_urls() -> None:
    assert render("https://example.com/x") == (
        '<p><a href="https://example.com/x" target="_blank" rel="nofollow noopener" '
        'translate="no"><span class="invisible">https://</span><span class="">example.com/x'
        '</span><span class="invisible"></span></a></p>'
    )
    long_url = "https://www.example.com/a/very/long/path/that/goes/on?and=on"
    assert render(long_url) == (
        f'<p><a href="{long_url.replace("&", "&amp;")}" target="_blank" '
        'rel="nofollow noopener" translate="no"><span class="invisible">https://www.</span>'
        '<span class="ellipsis">example.com/a/very/long/path/t</span>'
        '<span class="invisible">hat/goes/on?and=on</span></a></p>'
    )
    assert render("go to example.com now") == (
        '<p>go to <a href="http://example.com" target="_blank" rel="nofollow noopener" '
        'translate="no"><span class="invisible"></span><span class="">example.com</span>'
        '<span class="invisible"></span></a> now</p>'
    )
    # a hashtag or mention inside a URL is part of the URL
    assert "hashtag" not in render("https://example.com/#tag")
    assert "h-card" not in render("https://roost.social/@bob")
    assert "h-card" not in render("https://roost.example/@bob")  # .example: no URL to twitter-text


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_render_output_stays_in_allow_list() -> None:
    nasty = {
        "evil": 'javascript:alert(1)"><script>alert(2)</script>',
        "quote": 'https://x.example/" onmouseover="alert(1)',
    }

    def nasty_url(acct: str) -> str | None:
        return nasty.get(acct) or mention_url(acct)

    text = (
        "<img src=x onerror=alert(1)> @evil @quote @bob #tag https://example.com/?q=<b>\n\n"
        '<a href="javascript:alert(1)" style="x">click</a> <p onclick="x">'
    )
    html = render_html(text, mention_url=nasty_url, tag_url=tag_url)
    collector = _Collector()
    collector.feed(html)
    assert collector.tags, html
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, frozenset()), html
            if name == "href":
                assert value is not None
                assert value.startswith(("http://", "https://")), html
    assert "<script" not in html
    assert "<img" not in html


def test_html_to_text() -> None:
    assert html_to_text("<p>a &amp; b</p>\n<p>c<br>d<br />e</p>") == "a & b\n\nc\nd\ne"
    assert html_to_text("<p>x<script>bad()</script>y<STYLE>p{}</STYLE>z</p>") == "xyz"
    assert html_to_text("<P>a<a href=\"x>y\" title='<p>'>b</a><!-- c --></P>\n<p>d<BR/>e") == (
        "ab\n\nd\ne"
    )
    assert html_to_text("a < b &lt; c &#39;d&#x27; &amp;amp;") == "a < b < c 'd' &amp;"
    assert html_to_text("") == ""
    text = (
        "Hello @bob and @nobody, see https://www.example.com/a/very/long/path/that/goes/on "
        'and example.org.\n#Roost <3 & "quotes"\n\nSecond paragraph $TSLA'
    )
    assert html_to_text(render(text)) == text
    # a resolved remote mention shows (and reads back as) just its username
    assert html_to_text(render("hi @alice@other.example")) == "hi @alice"
