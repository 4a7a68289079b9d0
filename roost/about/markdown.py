"""Admin-written Markdown to HTML, as Mastodon renders its instance texts (Redcarpet's
HTML renderer): raw HTML in the source is shown as text, and the result passes nh3."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
_TAGS = {
    *("p", "br", "a", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "hr"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"),
}
_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    attributes={"a": {"href", "title"}},
    url_schemes={"http", "https", "mailto"},
)


def render_markdown(text: str) -> str:
    """`text` (Markdown) as sanitised HTML; "" for a blank text."""
    if not text.strip():
        return ""
    return _CLEANER.clean(_MARKDOWN.render(text))
