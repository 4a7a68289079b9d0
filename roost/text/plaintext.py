"""Post HTML back to plain text, for search and previews."""

from __future__ import annotations

import re
from html import unescape

__all__ = ["html_to_text"]

# One HTML token: a comment, a <script>/<style> element with its content, a start or end
# tag (attribute values may hold ">"), or some other markup declaration.
_HTML_TOKEN_RE = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(?P<raw>script|style)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?(?:</(?P=raw)\s*>|\Z)"
    r"|<(?P<end>/)?(?P<tag>[a-z][a-z0-9]*)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
    r"|<[!?][^>]*>",
    re.IGNORECASE | re.DOTALL,
)


def html_to_text(html: str) -> str:
    """Plain text of post HTML, for search and previews: tags dropped, ``<br>`` -> newline,
    paragraph breaks -> blank line, entities unescaped. Hidden URL parts are kept, so a
    rendered URL comes back whole."""
    parts: list[str] = []
    between_paragraphs = False  # after </p>: whitespace there is only markup layout
    pos = 0
    for token in _HTML_TOKEN_RE.finditer(html):
        data = html[pos : token.start()]
        if data and not (between_paragraphs and data.isspace()):
            parts.append(unescape(data))
            between_paragraphs = False
        pos = token.end()
        tag = (token["tag"] or "").lower()
        if tag == "br" and not token["end"]:
            parts.append("\n")
        elif tag == "p":
            if token["end"]:
                between_paragraphs = True
            elif parts:
                parts.append("\n\n")
                between_paragraphs = False
    data = html[pos:]
    if data and not (between_paragraphs and data.isspace()):
        parts.append(unescape(data))
    return "".join(parts)
