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


class _Links(HTMLParser):
    """Each link's href and its whole text, hidden parts included."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str | None, str]] = []
        self._in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append((dict(attrs).get("href"), ""))
            self._in_link = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_link = False

    def handle_data(self, data: str) -> None:
        if self._in_link:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)


def links(html: str) -> list[tuple[str | None, str]]:
    parser = _Links()
    parser.feed(html)
    return parser.links


CONTROLS = (
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)


def test_control_character_cannot_disguise_a_link() -> None:
    # issue 12, item 11: U+202E split the link, and "gpj.exe" after it read "exe.jpg"
    html = render("https://example.com/\u202egpj.exe")
    assert links(html) == [("https://example.com/gpj.exe", "https://example.com/gpj.exe")]
    assert "\u202e" not in html
    for control in CONTROLS:
        for text in (
            f"see https://example.com/a{control}b.exe now",
            f"https://exa{control}mple.com/x",
            f"{control}https://example.com/x{control}",
            f"{control}https://example.com/x {control}gpj.exe",
        ):
            found = links(render(text))
            assert found, repr(text)
            for href, shown in found:
                assert shown == href, repr(text)
                assert not set(shown) & set(CONTROLS), repr(text)


def test_overrides_render_as_isolates() -> None:
    """An override before a link would show the link's text reversed; an isolate cannot."""
    html = render("\u202ehttps://example.com/x \u202dabc\u202c \u202b\u05d0\u202c")
    assert not set(html) & set("\u202a\u202b\u202c\u202d\u202e")
    assert html.count("\u2067") == 2
    assert html.count("\u2066") == 1
    assert html.count("\u2069") == 2
    assert links(html) == [("https://example.com/x", "https://example.com/x")]
    # twitter-text's right-to-left conformance text keeps its links and its direction
    rtl = "\u2066\u202atest abcdef.com \u067e http://twitter.com/\u202c\u2069"
    assert links(render(rtl)) == [
        ("http://abcdef.com", "abcdef.com"),
        ("http://twitter.com/", "http://twitter.com/"),
    ]
