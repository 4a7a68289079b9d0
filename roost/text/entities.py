"""Mentions, hashtags, cashtags and URLs in post text.

URLs are twitter_text's. Mentions, hashtags and cashtags, which that package does not
extract, follow twitter-text's JavaScript implementation (v3.1.0), with Mastodon's changes
to mentions: one may name a remote account (``@bob@example.com``), usernames run to 30
characters, and an at sign right after "/" or "=", or inside a URL, starts no mention.

All ``start``/``end`` indices are code-point offsets into the NFC-normalised text, as in
twitter-text's conformance data. No URL holds a bidirectional or zero-width control, and
none can split a URL (see ``controls``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roost.text.charclasses import letter_classes
from roost.text.controls import control_near, has_stray_controls, without_controls
from roost.text.normalise import nfc
from roost.text.twitter import url_matches

__all__ = [
    "Entity",
    "extract_cashtags",
    "extract_entities",
    "extract_hashtags",
    "extract_mentions",
    "extract_urls",
]


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity found in post text."""

    kind: str  # "mention" | "hashtag" | "cashtag" | "url"
    text: str  # mention: "bob" / "bob@example.com"; hashtag, cashtag: without the sign
    start: int  # code-point index into the NFC-normalised text
    end: int


# twitter-text's latinAccentChars: a mention directly followed by one is no mention.
_LATIN_ACCENTS = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b"
    "\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_DOMAIN_LABEL = r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?"
# validMentionPrecedingChars (plus "/" and "=", which Mastodon also rejects, so that
# "https://host.invalid/@bob" is no mention even where twitter-text finds no URL), an at
# sign, a username (twitter-text: 1-20 characters; here up to 30 and never cut short), and
# Mastodon's optional @domain. As in twitter-text the preceding character is consumed, not
# looked behind at.
_MENTION_RE = re.compile(
    r"(?:^|[^a-zA-Z0-9_!#$%&*@\uff20/=]|(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?)"
    r"(?P<at>[@\uff20])(?P<user>[a-zA-Z0-9_]{1,30})(?![a-zA-Z0-9_])"
    rf"(?:@(?P<domain>{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+))?"
)
_MENTION_END_RE = re.compile(f"[@\uff20{_LATIN_ACCENTS}]|://")  # endMentionMatch

_LETTERS, _LETTERS_DIGITS = letter_classes()
_HASHTAG_ALPHA = _LETTERS
_HASHTAG_ALNUM = _LETTERS_DIGITS + (  # hashtagAlphaNumeric: hashtagSpecialChars too
    r"_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb"
    r"\u3003\u0f0b\u0f0c\xb7"
)
# validHashtag. twitter-text consumes a boundary character before the hash sign (start,
# U+FE0E/U+FE0F, or anything but hashtagAlphaNumeric and "&"); looking behind from the
# hash sign instead gives the same matches and lets the search skip to hash signs.
_HASHTAG_RE = re.compile(
    "[#\uff03]"
    f"(?:(?<![{_HASHTAG_ALNUM}&][#\uff03])|(?<=[\ufe0e\ufe0f][#\uff03]))"
    "(?![\ufe0f\u20e3])"
    f"(?P<tag>[{_HASHTAG_ALNUM}]*[{_HASHTAG_ALPHA}][{_HASHTAG_ALNUM}]*)"
)
_HASHTAG_END_RE = re.compile("[#\uff03]|://")  # endHashtagMatch

_SPACES = r"\t-\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_PUNCT = re.escape("!'#%&()*+,\\-./:;<=>?@[]^_{|}~$")
_CASHTAG_RE = re.compile(
    rf"(?:^|[{_SPACES}])\$(?P<tag>[A-Za-z]{{1,6}}(?:[._][A-Za-z]{{1,2}})?)"
    rf"(?=\Z|\s|[{_PUNCT}])"
)


# A URL written with its scheme whose host twitter-text does not take (it wants a known
# top-level domain): an IPv4 address, an IPv6 address in brackets, or localhost. Written so,
# it is a link (`http://127.0.0.1:8511/page`); whether Roost may fetch it is the outbound
# guard's business.
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_ADDRESS_URL_RE = re.compile(
    rf"(?<![\w/.@-])https?://(?:{_OCTET}(?:\.{_OCTET}){{3}}|\[[0-9A-Fa-f:.]{{2,45}}\]|localhost)"
    r"(?::\d{1,5})?(?![\w.-])(?:[/?#][^\s<>\"]*)?"
)
_URL_TAIL = ".,:;!?'\")]}"  # sentence punctuation after a URL is not part of it


def _address_urls(t: str) -> list[Entity]:
    found = []
    for m in _ADDRESS_URL_RE.finditer(t):
        url = m.group().rstrip(_URL_TAIL)
        if "(" in url and url.count("(") > url.count(")") and m.group()[len(url) :][:1] == ")":
            url += ")"  # a balanced parenthesis belongs to the URL (Wikipedia's)
        found.append(Entity("url", url, m.start(), m.start() + len(url)))
    return found


def _urls(t: str) -> list[Entity]:
    extra = _address_urls(t) if "://" in t else []
    if "." not in t:
        return extra
    found = url_matches(t)
    # twitter-text ends a URL at a bidirectional or zero-width control, and keeps some in a
    # host name, so URLs are found in the text without them; a span then covers the controls
    # inside its URL, not those around it. Joiners inside emoji sequences and words, away
    # from every URL, change no URL, and are too common to pay for finding them twice.
    if has_stray_controls(t) or any(control_near(t, start, end) for _, start, end in found):
        s, where = without_controls(t)
        found = tuple((url, where[start], where[end - 1] + 1) for url, start, end in url_matches(s))
    urls = [Entity("url", url, start, end) for url, start, end in found]
    return _remove_overlapping(urls + extra) if extra else urls


def _mentions(t: str) -> list[Entity]:
    first_at = min((i for i in (t.find("@"), t.find("\uff20")) if i >= 0), default=-1)
    if first_at < 0:
        return []
    found = []
    # No match can start more than 4 characters (e.g. " RT:") before the first at sign.
    for m in _MENTION_RE.finditer(t, max(0, first_at - 4)):
        if _MENTION_END_RE.match(t, m.end()):
            continue
        acct = m["user"] if m["domain"] is None else f"{m['user']}@{m['domain']}"
        found.append(Entity("mention", acct, m.start("at"), m.end()))
    return found


def _hashtags(t: str) -> list[Entity]:
    if "#" not in t and "\uff03" not in t:  # fullwidth # counts too
        return []
    return [
        Entity("hashtag", m["tag"], m.start(), m.end())
        for m in _HASHTAG_RE.finditer(t)
        if not _HASHTAG_END_RE.match(t, m.end())
    ]


def _cashtags(t: str) -> list[Entity]:
    if "$" not in t:
        return []
    return [
        Entity("cashtag", m["tag"], m.start("tag") - 1, m.end()) for m in _CASHTAG_RE.finditer(t)
    ]


def _remove_overlapping(entities: list[Entity]) -> list[Entity]:
    """twitter-text's removeOverlappingEntities: by start (stable), keep the first of any
    overlapping entities."""
    kept: list[Entity] = []
    for entity in sorted(entities, key=lambda e: e.start):
        if not kept or kept[-1].end <= entity.start:
            kept.append(entity)
    return kept


def _outside_urls(found: list[Entity], t: str) -> list[Entity]:
    """Drop entities overlapping a URL (twitter-text's checkUrlOverlap for hashtags)."""
    if not found:
        return found
    urls = _urls(t)
    if not urls:
        return found
    return [e for e in _remove_overlapping(found + urls) if e.kind != "url"]


def extract_mentions(text: str) -> list[Entity]:
    """``@user`` and ``@user@domain`` mentions; the entity text has no leading @.

    Unlike twitter-text, mentions inside URLs (``https://example.com/@bob``) are dropped.
    """
    t = nfc(text)
    return _outside_urls(_mentions(t), t)


def extract_hashtags(text: str) -> list[Entity]:
    """Hashtags, by twitter-text's rules, except those inside URLs."""
    t = nfc(text)
    return _outside_urls(_hashtags(t), t)


def extract_cashtags(text: str) -> list[Entity]:
    """``$TICKER`` cashtags."""
    return _cashtags(nfc(text))


def extract_urls(text: str) -> list[Entity]:
    """URLs as twitter-text finds them, including scheme-less ones like ``example.com``,
    except that bidirectional and zero-width controls neither end a URL nor appear in one."""
    return _urls(nfc(text))


def extract_entities(text: str) -> list[Entity]:
    """All entities sorted by start, without overlaps; where two overlap the one that
    starts first wins, so a URL wins over hashtags and mentions inside it."""
    t = nfc(text)
    return _remove_overlapping(_urls(t) + _mentions(t) + _hashtags(t) + _cashtags(t))
