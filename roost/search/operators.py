"""Reading a search query as Mastodon's search box does: words, "quoted phrases",
-exclusions and operators (`from:`, `has:`, `is:`, `language:`, `before:`, `after:`,
`during:`, `in:`), each of which may be negated with a leading `-`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from roost.errors import Invalid

# Letters and digits only: what both full-text engines index as words, and safe to put in
# their query languages (FTS5's and tsquery's) without escaping.
WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)(?:(\w+):(?:"([^"]*)"|(\S+))|"([^"]*)"|(\S+))')
OPERATORS = ("from", "has", "is", "language", "before", "after", "during", "in")
HAS = ("media", "poll", "link", "image", "video", "audio", "embed")
IS = ("reply", "sensitive")
IN = ("all", "library", "public")
MAX_TERMS = 16


@dataclass
class Query:
    """A parsed query: text to match (terms: each a tuple of words, one word or a phrase)
    and filters (operator, value, negated)."""

    terms: list[tuple[str, ...]] = field(default_factory=list)
    excluded: list[tuple[str, ...]] = field(default_factory=list)
    filters: list[tuple[str, str, bool]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.terms or self.filters)


def parse(q: str) -> Query:
    """The query `q` means; Invalid for an operator value that cannot be used."""
    out = Query()
    for m in _TOKEN.finditer(q):
        negated = m[1] == "-"
        name = (m[2] or "").lower()
        if name in OPERATORS:
            value = (m[3] if m[3] is not None else m[4] or "").strip()
            out.filters.append((name, _checked(name, value), negated))
            continue
        text = m[5] if m[5] is not None else (m[0].lstrip("-") if m[2] else m[6])
        words = tuple(w.lower() for w in WORD.findall(text or ""))
        if words:
            (out.excluded if negated else out.terms).append(words)
    if len(out.terms) + len(out.excluded) > MAX_TERMS:
        raise Invalid(f"A search can have at most {MAX_TERMS} words and phrases")
    return out


def _checked(name: str, value: str) -> str:
    v = value.lower()
    if name == "from":
        return v.removeprefix("@")
    if name in ("before", "after", "during"):
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise Invalid(f"{name}: wants a date such as 2026-12-04, not {value!r}") from exc
        return value
    allowed = {"has": HAS, "is": IS, "in": IN}.get(name)
    if allowed is not None and v not in allowed:
        raise Invalid(f"{name}: can be {', '.join(allowed)}, not {value!r}")
    if name == "language" and not re.fullmatch(r"[a-z]{2,3}", v):
        raise Invalid(f"language: wants a language code such as en, not {value!r}")
    return v


def fts5_match(query: Query, *, prefix: bool = False) -> str | None:
    """The FTS5 MATCH expression for the query's text (None: no text to match): its words
    as written, or (`prefix`) also as the beginnings of longer words."""
    if not query.terms:
        return None

    def term(words: tuple[str, ...], grow: bool) -> str:
        if len(words) > 1:
            return '"' + " ".join(words) + '"'
        return f'"{words[0]}"*' if grow else f'"{words[0]}"'

    text = " AND ".join(term(t, prefix) for t in query.terms)
    if query.excluded:
        text = f"({text}) NOT ({' OR '.join(term(t, False) for t in query.excluded)})"
    return text


def tsquery(query: Query, *, prefix: bool = False) -> str | None:
    """The PostgreSQL tsquery (for to_tsquery) of the query's text, as `fts5_match`."""
    if not query.terms:
        return None

    def term(words: tuple[str, ...], grow: bool) -> str:
        if len(words) > 1:
            return "(" + " <-> ".join(words) + ")"
        return f"{words[0]}:*" if grow else words[0]

    parts = [term(t, prefix) for t in query.terms] + [f"!{term(t, False)}" for t in query.excluded]
    return " & ".join(parts)


def has_words(query: Query) -> bool:
    """Does the query have a single word (which may also match as a prefix)?"""
    return any(len(t) == 1 for t in query.terms)
