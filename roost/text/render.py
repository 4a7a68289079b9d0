"""Plain post text to Mastodon-style HTML, sanitised to a small allow-list."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

import nh3

from roost.text.controls import isolate_embeddings
from roost.text.entities import extract_entities
from roost.text.links import hashtag_link, mention_link, url_link
from roost.text.normalise import normalise

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "render_html"]

ALLOWED_TAGS: frozenset[str] = frozenset({"p", "br", "a", "span"})
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "rel", "class", "target", "translate"}),
    "span": frozenset({"class", "translate"}),
}
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    link_rel=None,  # keep our own rel values; nh3 would otherwise replace them
    url_schemes={"http", "https"},
)
_PARAGRAPH_BREAK_RE = re.compile(r"\n(?:[^\S\n]*\n)+")  # a blank (or blank-looking) line


def render_html(
    text: str,
    *,
    mention_url: Callable[[str], str | None],
    tag_url: Callable[[str], str],
) -> str:
    """Plain post text to Mastodon-style HTML.

    Paragraphs (split at blank lines) become ``<p>``, other newlines ``<br />``; mentions
    that ``mention_url(acct)`` resolves, hashtags (``tag_url(name)``) and URLs become
    links in Mastodon's markup; everything else is escaped text. Cashtags stay text. The
    result passes through nh3 allowing only ``ALLOWED_TAGS``/``ALLOWED_ATTRIBUTES``.
    Bidirectional embeddings and overrides become isolates, and URLs hold no controls, so
    no link shows other text than where it leads.
    """
    t = isolate_embeddings(normalise(text))
    if not t.strip():
        return ""
    resolved: dict[str, str | None] = {}
    pieces: list[str] = []
    pos = 0
    for entity in extract_entities(t):
        if entity.kind == "mention":
            if entity.text not in resolved:
                resolved[entity.text] = mention_url(entity.text)
            href = resolved[entity.text]
            if href is None:
                continue
            link = mention_link(entity.text, href)
        elif entity.kind == "hashtag":
            link = hashtag_link(entity.text, tag_url(entity.text))
        elif entity.kind == "url":
            link = url_link(entity.text)
        else:
            continue
        pieces.append(escape(t[pos : entity.start], quote=False))
        pieces.append(link)
        pos = entity.end
    pieces.append(escape(t[pos:], quote=False))

    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK_RE.split("".join(pieces)):
        lines = paragraph.split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
        first = 0
        while first < len(lines) and not lines[first].strip():
            first += 1
        if first < len(lines):
            paragraphs.append(f"<p>{'<br />'.join(lines[first:])}</p>")
    # nh3 serialises <br> without the slash; text has < escaped, so this only hits tags.
    return _CLEANER.clean("".join(paragraphs)).replace("<br>", "<br />")
