"""Mastodon's markup for the links in post HTML: mentions, hashtags and URLs."""

from __future__ import annotations

import re
from html import escape

__all__ = ["hashtag_link", "mention_link", "url_link"]

_URL_PREFIX_RE = re.compile(r"https?://(?:www\.)?", re.IGNORECASE)
_HAS_SCHEME_RE = re.compile(r"https?://", re.IGNORECASE)


def mention_link(acct: str, href: str) -> str:
    """An h-card link showing ``@username`` (without the domain of a remote account)."""
    username = acct.partition("@")[0]
    return (
        f'<span class="h-card" translate="no"><a href="{escape(href)}" class="u-url mention">'
        f"@<span>{escape(username)}</span></a></span>"
    )


def hashtag_link(tag: str, href: str) -> str:
    """A ``rel="tag"`` link showing ``#tag``."""
    return (
        f'<a href="{escape(href)}" class="mention hashtag" rel="tag">'
        f"#<span>{escape(tag, quote=False)}</span></a>"
    )


def url_link(url: str) -> str:
    """Mastodon's shortened link: scheme and ``www.`` hidden, 30 characters shown, the
    rest hidden (``ellipsis`` marks a cut, as Mastodon does)."""
    href = url if _HAS_SCHEME_RE.match(url) else f"http://{url}"
    m = _URL_PREFIX_RE.match(url)
    prefix = m.group() if m else ""
    rest = url[len(prefix) :]
    shown, hidden = rest[:30], rest[30:]
    return (
        f'<a href="{escape(href)}" target="_blank" rel="nofollow noopener" translate="no">'
        f'<span class="invisible">{escape(prefix, quote=False)}</span>'
        f'<span class="{"ellipsis" if hidden else ""}">{escape(shown, quote=False)}</span>'
        f'<span class="invisible">{escape(hidden, quote=False)}</span></a>'
    )
