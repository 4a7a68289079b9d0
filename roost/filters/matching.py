"""Which of a viewer's filters a status matches, as Mastodon's CustomFilter does: each
filter's keywords compiled into one case-insensitive regular expression (a whole-word
keyword bounded by `\\b` on the sides where it starts or ends with a word character),
searched in the post's text (its content warning, its text without HTML, its poll's
options and its media descriptions: roost.statuses.searchable, kept in the post's cached
core); and its status ids compared with the post's and, for a boost, the boosted post's.

Every filter's keywords are also compiled into one expression per viewer, and its status
ids into one set: a post that none of them matches (nearly every post) costs one search,
whatever the number of filters; only a post that one matches is checked filter by
filter."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from roost.statuses.entities import Status
from roost.statuses.searchable import searchable_text

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


@dataclass(frozen=True, slots=True)
class ActiveFilters:
    """A viewer's filters, and what tells at once that a post matches none of them."""

    filters: list[ActiveFilter]
    keywords: re.Pattern[str] | None  # every filter's keywords in one expression
    status_ids: frozenset[int]  # every filter's statuses


def active_filters(
    filters: list[ActiveFilter], keywords: Iterable[tuple[str, bool]]
) -> ActiveFilters:
    """`filters` with `keywords` (all of theirs) in one expression and their status ids in
    one set."""
    return ActiveFilters(
        filters, compile_keywords(keywords), frozenset(i for f in filters for i in f.status_ids)
    )


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


def text_of(status: Status, texts: Mapping[str, str] | None = None) -> str:
    """The text filters search in (Mastodon's Status#searchable_text), of the boosted post
    for a boost: from `texts` (by id, as render_statuses gives them) when it is there."""
    proper = status.reblog or status
    text = None if texts is None else texts.get(proper.id)
    return searchable_text(proper, proper.poll) if text is None else text


Match = tuple[ActiveFilter, dict[str, Any]]  # a filter and its FilterResult


def matches(
    active: ActiveFilters, status: Status, now: datetime, texts: Mapping[str, str] | None = None
) -> list[Match]:
    """The unexpired filters `status` matches, each with its FilterResult (`texts`: see
    `text_of`)."""
    text = None
    keyword_hit = False
    if active.keywords is not None:
        text = text_of(status, texts)
        keyword_hit = active.keywords.search(text) is not None
    if not keyword_hit and not active.status_ids:
        return []
    own_ids = [int(status.id)] + ([int(status.reblog.id)] if status.reblog is not None else [])
    if not keyword_hit and active.status_ids.isdisjoint(own_ids):
        return []
    found: list[Match] = []
    for f in active.filters:
        if f.expires_at is not None and f.expires_at <= now:
            continue
        keyword_matches = None
        if f.pattern is not None:
            if text is None:
                text = text_of(status, texts)
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
    active: ActiveFilters,
    statuses: Sequence[Status],
    context: str,
    viewer_id: int,
    now: datetime,
    texts: Mapping[str, str] | None = None,
) -> list[Status]:
    """`statuses` as `context` shows them to the viewer: those a `hide` filter of that
    context matches left out (never the viewer's own, as Mastodon's web app), the others
    that match a filter carrying the results in `filtered` (clients apply `warn` and
    `blur` by each result's context, as they do with Mastodon). `texts`: see `text_of`."""
    out: list[Status] = []
    me = str(viewer_id)
    for status in statuses:
        found = matches(active, status, now, texts)
        if not found:
            out.append(status)
            continue
        author = (status.reblog or status).account.id
        if author != me and context in hidden_in(found):
            continue
        out.append(marked(status, found))
    return out
