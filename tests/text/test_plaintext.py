"""roost.text.plaintext: post HTML back to text, and the round trip through render_html."""

from __future__ import annotations

from roost.text.plaintext import html_to_text
from tests.text.test_render import render


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
