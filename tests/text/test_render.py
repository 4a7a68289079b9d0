"""roost.text.render: post text to HTML, and the allow-list the output stays in."""

from __future__ import annotations

from html.parser import HTMLParser

from roost.text.render import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_html

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
