"""Which of a viewer's filters a status matches, as Mastodon's CustomFilter does: each
filter's keywords compiled into one case-insensitive regular expression (a whole-word
keyword bounded by `\\b` on the sides where it starts or ends with a word character),
searched in the post's text (its content warning, its text without HTML, its poll's
options and its media descriptions); and its status ids compared with the post's and,
for a boost, the boosted post's."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from roost.statuses.entities import Status
from roost.text.plaintext import html_to_text

_WORD_START = re.compile(r"\w")
_WORD_END = re.compile(r"\w\Z")


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    """One of a viewer's filters, ready to match posts."""

    id: int
    action: str  # warn, hide or blur
    contexts: frozenset[str]
    expires_at: datetime | None
    pattern: re.Pattern[str] | None  # its keywords; None without any
    status_ids: frozenset[int]
    entity: dict[str, Any]  # the Filter as a FilterResult shows it, ready to encode


def keyword_pattern(keyword: str, whole_word: bool) -> str:
    """One keyword as a regular expression (Mastodon's CustomFilterKeyword#to_regex)."""
    escaped = re.escape(keyword)
    if not whole_word:
        return escaped
    start = r"\b" if _WORD_START.match(keyword) else ""
    end = r"\b" if _WORD_END.search(keyword) else ""
    return f"{start}{escaped}{end}"


def compile_keywords(keywords: Iterable[tuple[str, bool]]) -> re.Pattern[str] | None:
    """A filter's keywords as one expression (None for none)."""
    parts = [keyword_pattern(k, w) for k, w in keywords]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def searchable_text(status: Status) -> str:
    """The text filters search in (Mastodon's Status#searchable_text), of the boosted post
    for a boost."""
    proper = status.reblog or status
    parts = [proper.spoiler_text, html_to_text(proper.content)]
    if proper.poll is not None:
        parts.append("\n\n".join(o.title for o in proper.poll.options))
    descriptions = [m.description for m in proper.media_attachments if m.description]
    if descriptions:
        parts.append("\n\n".join(descriptions))
    return "\n\n".join(parts)


Match = tuple[ActiveFilter, dict[str, Any]]  # a filter and its FilterResult


def matches(filters: Sequence[ActiveFilter], status: Status, now: datetime) -> list[Match]:
    """The unexpired filters `status` matches, each with its FilterResult."""
    found: list[Match] = []
    text: str | None = None
    own_ids = [int(status.id)] + ([int(status.reblog.id)] if status.reblog is not None else [])
    for f in filters:
        if f.expires_at is not None and f.expires_at <= now:
            continue
        keyword_matches = None
        if f.pattern is not None:
            if text is None:
                text = searchable_text(status)
            hit = f.pattern.search(text)
            if hit is not None:
                keyword_matches = [hit.group(0)]
        status_matches = None
        if f.status_ids:
            status_matches = [str(i) for i in own_ids if i in f.status_ids]
        if keyword_matches is None and not status_matches:
            continue
        result = {
            "filter": f.entity,
            "keyword_matches": keyword_matches,
            "status_matches": status_matches,
        }
        found.append((f, result))
    return found


def hidden_in(found: Sequence[Match]) -> frozenset[str]:
    """The contexts where a `hide` filter among `found` takes the post away."""
    return frozenset(c for f, _ in found if f.action == "hide" for c in f.contexts)


def marked(status: Status, found: Sequence[Match]) -> Status:
    """`status` with its `filtered` results (on a boost, on the boosted post too, as
    Mastodon)."""
    results = [r for _, r in found]
    reblog = status.reblog
    if reblog is not None:
        reblog = msgspec.structs.replace(reblog, filtered=results)
    return msgspec.structs.replace(status, filtered=results, reblog=reblog)


def apply(
    filters: Sequence[ActiveFilter],
    statuses: Sequence[Status],
    context: str,
    viewer_id: int,
    now: datetime,
) -> list[Status]:
    """`statuses` as `context` shows them to the viewer: those a `hide` filter of that
    context matches left out (never the viewer's own, as Mastodon's web app), the others
    that match a filter carrying the results in `filtered` (clients apply `warn` and
    `blur` by each result's context, as they do with Mastodon)."""
    out: list[Status] = []
    me = str(viewer_id)
    for status in statuses:
        found = matches(filters, status, now)
        if not found:
            out.append(status)
            continue
        author = (status.reblog or status).account.id
        if author != me and context in hidden_in(found):
            continue
        out.append(marked(status, found))
    return out
