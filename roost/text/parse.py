"""Post text: twitter-text v3 weighted length, entity extraction, Mastodon-style HTML.

Weighted length wraps the ``twitter_text`` package (PyPI: twitter-text-parser): its URL
extractor, its emoji regular expression and its v3 configuration. Its own ``parse_tweet``
gives the right numbers but takes ~1.5 ms for a 200-character post, nearly all of it spent
trying a 2,500-alternative emoji regex at every position, so the counting loop here is the
same algorithm run over whole segments, with the emoji regex only tried where an emoji can
start. The tests check the result against ``parse_tweet``.

Mentions, hashtags and cashtags, which that package does not extract, follow twitter-text's
JavaScript implementation (v3.1.0), with Mastodon's changes to mentions: one may name a
remote account (``@bob@example.com``), usernames run to 30 characters, and an at sign right
after "/" or "=", or inside a URL, starts no mention.

All ``start``/``end`` indices are code-point offsets into the NFC-normalised text, as in
twitter-text's conformance data.
"""

from __future__ import annotations

import importlib
import re
import sys
import types
import unicodedata
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape
from pathlib import Path
from typing import Any

import nh3

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "Entity",
    "extract_cashtags",
    "extract_entities",
    "extract_hashtags",
    "extract_mentions",
    "extract_urls",
    "html_to_text",
    "is_valid_length",
    "render_html",
    "weighted_length",
]


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity found in post text."""

    kind: str  # "mention" | "hashtag" | "cashtag" | "url"
    text: str  # mention: "bob" / "bob@example.com"; hashtag, cashtag: without the sign
    start: int  # code-point index into the NFC-normalised text
    end: int


# --------------------------------------------------------------------------- twitter_text


def _import_twitter_text() -> Any:
    """Import ``twitter_text`` without importing ``pkg_resources``.

    Its emoji module calls ``pkg_resources.resource_string`` once, at import, to read a
    data file that sits next to it. The real ``pkg_resources`` takes ~0.2 s to import, is
    deprecated (and warns) in recent setuptools and is absent wherever setuptools is not
    installed (uv-made venvs, Python >= 3.12 venvs), so unless something has already
    imported it, a stand-in offering only ``resource_string`` sits in ``sys.modules`` for
    the duration of the import.
    """
    if "twitter_text" in sys.modules or sys.modules.get("pkg_resources") is not None:
        return importlib.import_module("twitter_text")

    def resource_string(module_name: str, resource: str) -> bytes:
        module_file = getattr(sys.modules[module_name], "__file__", None)
        if module_file is None:
            raise FileNotFoundError(f"{module_name} has no __file__ to find {resource} by")
        return (Path(module_file).parent / resource).read_bytes()

    shim = types.ModuleType("pkg_resources", "Import-time stand-in for twitter_text.")
    shim.resource_string = resource_string  # type: ignore[attr-defined]
    blocked = "pkg_resources" in sys.modules  # present but None: imports of it must fail
    sys.modules["pkg_resources"] = shim
    try:
        return importlib.import_module("twitter_text")
    finally:
        if sys.modules.get("pkg_resources") is shim:
            if blocked:
                sys.modules["pkg_resources"] = None  # type: ignore[assignment]
            else:
                del sys.modules["pkg_resources"]


_tt = _import_twitter_text()
_tt_extract_urls: Callable[[str], list[dict[str, Any]]] = _tt.extract_urls_with_indices
_tt_emoji: Any = importlib.import_module("twitter_text.regexp.emoji")
_V3: dict[str, Any] = importlib.import_module("twitter_text.config").config["version3"]

# --------------------------------------------------------------------------- weighting

_SCALE: int = _V3["scale"]
_DEFAULT_WEIGHT: int = _V3["default_weight"]
_URL_WEIGHT: int = _V3["transformed_url_length"] * _SCALE
_range_weights = {r["weight"] for r in _V3["ranges"]}
if len(_range_weights) != 1 or not _V3.get("emoji_parsing_enabled"):
    raise RuntimeError(f"unexpected twitter-text v3 config: {_V3!r}")
_LIGHT_WEIGHT: int = _range_weights.pop()
# Code points outside the config's ranges weigh _DEFAULT_WEIGHT (U+0000-U+10FF,
# U+2000-U+200D, U+2010-U+201F and U+2032-U+2037 are the light ones).
_HEAVY_RE = re.compile(
    "[^" + "".join(f"\\U{r['start']:08x}-\\U{r['end']:08x}" for r in _V3["ranges"]) + "]"
)
_INVALID_CHARS_RE = re.compile("[\ufffe\ufeff\uffff]")
_LINE_ENDINGS_RE = re.compile(r"\r\n?")


def _build_emoji_dispatch() -> tuple[re.Pattern[str], dict[str, str], bool] | None:
    """Split twitter_text's emoji regex by the first code point of its alternatives.

    Its regex is ``seq_1|seq_2|...|seq_n|[singles]``. At a given position only the
    alternatives starting with the character found there can match, in the same order, so
    trying just those gives the same matches as the whole regex. Returns a regex finding
    the characters an emoji can start with, each such character's alternation, and
    whether any emoji could start in ASCII; None if the package's internals are not the
    expected shape (the full regex is then used).
    """
    try:
        sequences: list[str] = _tt_emoji.multi_codepoint_emoji_joined.split("|")
        single_ranges: list[tuple[int, int]] = list(_tt_emoji.single_codepoint_emoji_ranges)
    except AttributeError:
        return None
    seq_re = re.compile(r"(?:\\U[0-9A-Fa-f]{8})+")
    if not sequences or not all(seq_re.fullmatch(s) for s in sequences):
        return None
    by_first: dict[str, list[str]] = {}
    ascii_start = False
    for seq in sequences:
        first = chr(int(seq[2:10], 16))
        by_first.setdefault(first, []).append(seq)
        ascii_start = ascii_start or all(
            int(seq[i + 2 : i + 10], 16) < 0x80 for i in range(0, len(seq), 10)
        )
    for lo, hi in single_ranges:
        ascii_start = ascii_start or lo < 0x80
        for cp in range(lo, hi + 1):
            by_first.setdefault(chr(cp), []).append(f"\\U{cp:08x}")
    # Astral candidates go behind a cheap astral-only test, or every BMP character that is
    # not a candidate would be compared against each of their ranges in turn.
    bmp: list[int] = []
    astral: list[int] = []
    for cp in sorted(ord(c) for c in by_first):
        (bmp if cp < 0x10000 else astral).append(cp)
    starters = re.compile(
        f"[{_class_body(_to_ranges(bmp))}]"
        f"|(?=[\\U00010000-\\U0010ffff])[{_class_body(_to_ranges(astral))}]"
    )
    return starters, {c: "|".join(alts) for c, alts in by_first.items()}, ascii_start


def _to_ranges(code_points: Iterable[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cp in sorted(code_points):
        if out and out[-1][1] == cp - 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def _class_body(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


_EMOJI_RE: re.Pattern[str] = _tt_emoji.emoji
_emoji_dispatch = _build_emoji_dispatch()
_EMOJI_BY_FIRST: dict[str, re.Pattern[str]] = {}  # compiled on first use


def _emoji_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each emoji, exactly as ``_EMOJI_RE.finditer`` would find them."""
    if _emoji_dispatch is None:
        return [m.span() for m in _EMOJI_RE.finditer(text)]
    starters, sources, ascii_start = _emoji_dispatch
    if not ascii_start and text.isascii():
        return []
    spans: list[tuple[int, int]] = []
    pos = 0
    while (found := starters.search(text, pos)) is not None:
        at = found.start()
        char = text[at]
        pattern = _EMOJI_BY_FIRST.get(char)
        if pattern is None:
            pattern = _EMOJI_BY_FIRST[char] = re.compile(sources[char])
        m = pattern.match(text, at)
        if m is None:
            pos = at + 1
        else:
            spans.append(m.span())
            pos = m.end()
    return spans


def _emoji_spans_slow(text: str) -> list[tuple[int, int]]:
    """The reference the fast path must agree with (used by the tests)."""
    return [m.span() for m in _EMOJI_RE.finditer(text)]


def _find_urls(text: str) -> tuple[tuple[str, int, int], ...]:
    return tuple((u["url"], u["indices"][0], u["indices"][1]) for u in _tt_extract_urls(text))


# weighted_length and render_html on the same post need the same URLs, and finding them
# is most of the work of either. Only post-sized texts are kept.
_find_urls_cached = lru_cache(maxsize=256)(_find_urls)
_CACHE_MAX_CHARS = 8192


def _url_matches(text: str) -> tuple[tuple[str, int, int], ...]:
    """(url, start, end) of each URL, as twitter_text finds them."""
    if len(text) > _CACHE_MAX_CHARS:
        return _find_urls(text)
    return _find_urls_cached(text)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _normalise(text: str) -> str:
    """NFC, and CRLF/CR line endings to LF."""
    text = unicodedata.normalize("NFC", text)
    return _LINE_ENDINGS_RE.sub("\n", text) if "\r" in text else text


def _weigh(text: str) -> tuple[int, bool]:
    """Weighted length, and whether the text is free of invalid characters."""
    t = _normalise(text)
    ascii_only = t.isascii()
    spans: dict[int, tuple[int, int]] = {}  # start -> (length, weight)
    for start, end in _emoji_spans(t):
        spans[start] = (end - start, _DEFAULT_WEIGHT)
    if "." in t:
        for url, start, _end in _url_matches(t):
            # parse_tweet looks URLs up before emoji and skips len(url) code points
            spans[start] = (len(url), _URL_WEIGHT)
    total = 0
    pos = 0
    for start in sorted(spans):
        if start < pos:
            continue
        total += _segment_weight(t, pos, start, ascii_only)
        length, weight = spans[start]
        total += weight
        pos = start + length
    total += _segment_weight(t, pos, len(t), ascii_only)
    return total // _SCALE, _INVALID_CHARS_RE.search(t) is None


def _segment_weight(text: str, start: int, end: int, ascii_only: bool) -> int:
    if end <= start:
        return 0
    heavy = 0 if ascii_only else len(_HEAVY_RE.findall(text, start, end))
    return (end - start) * _LIGHT_WEIGHT + heavy * (_DEFAULT_WEIGHT - _LIGHT_WEIGHT)


def weighted_length(text: str) -> int:
    """twitter-text v3 weighted length.

    After NFC normalisation (and CRLF -> LF), code points in U+0000-U+10FF,
    U+2000-U+200D, U+2010-U+201F and U+2032-U+2037 count 1 and all others 2; each emoji
    (a whole sequence, e.g. a ZWJ family) counts 2 and each URL 23.
    """
    return _weigh(text)[0]


def is_valid_length(text: str, limit: int = 500) -> bool:
    """Whether ``0 < weighted_length(text) <= limit`` and the text holds none of U+FFFE,
    U+FEFF, U+FFFF. An empty text is not valid: allow media-only posts separately."""
    length, clean = _weigh(text)
    return clean and 0 < length <= limit


# --------------------------------------------------------------------------- entities

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


def _code_points(cps: range) -> str:
    """``"".join(map(chr, cps))``, four times faster."""
    for typecode in "IL":
        if array(typecode).itemsize == 4:
            encoding = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
            return array(typecode, cps).tobytes().decode(encoding, "surrogatepass")
    return "".join(map(chr, cps))


def _unicode_classes() -> tuple[str, str]:
    """Character-class bodies for twitter-text's hashtagAlpha (letters and marks) and
    hashtagAlphaNumeric (those, decimal digits and a few joiners and punctuation)."""
    # Python's re has no \p{L}; tabulate the categories once (~70 ms). Planes 4-13 and
    # 15-16 hold no letters, marks or digits.
    chars = _code_points(range(0x40000)) + _code_points(range(0xE0000, 0xE1000))
    flag_of = {
        cat: "a" if cat[0] in "LM" else "n" if cat == "Nd" else "x"
        for cat in (
            *("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd"),
            *("Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp"),
            *("Cc", "Cf", "Cs", "Co", "Cn"),
        )
    }
    flags = "".join(map(flag_of.__getitem__, map(unicodedata.category, chars)))

    def body(run: str) -> str:
        return _class_body(
            (ord(chars[m.start()]), ord(chars[m.end() - 1])) for m in re.finditer(run, flags)
        )

    special = (  # hashtagSpecialChars
        r"_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb"
        r"\u3003\u0f0b\u0f0c\xb7"
    )
    return body("a+"), body("[an]+") + special


_HASHTAG_ALPHA, _HASHTAG_ALNUM = _unicode_classes()
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


def _urls(t: str) -> list[Entity]:
    if "." not in t:
        return []
    return [Entity("url", url, start, end) for url, start, end in _url_matches(t)]


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


def _entities(t: str) -> list[Entity]:
    return _remove_overlapping(_urls(t) + _mentions(t) + _hashtags(t) + _cashtags(t))


def extract_mentions(text: str) -> list[Entity]:
    """``@user`` and ``@user@domain`` mentions; the entity text has no leading @.

    Unlike twitter-text, mentions inside URLs (``https://example.com/@bob``) are dropped.
    """
    t = _nfc(text)
    return _outside_urls(_mentions(t), t)


def extract_hashtags(text: str) -> list[Entity]:
    """Hashtags, by twitter-text's rules, except those inside URLs."""
    t = _nfc(text)
    return _outside_urls(_hashtags(t), t)


def extract_cashtags(text: str) -> list[Entity]:
    """``$TICKER`` cashtags."""
    return _cashtags(_nfc(text))


def extract_urls(text: str) -> list[Entity]:
    """URLs as twitter-text finds them, including scheme-less ones like ``example.com``."""
    return _urls(_nfc(text))


def extract_entities(text: str) -> list[Entity]:
    """All entities sorted by start, without overlaps; where two overlap the one that
    starts first wins, so a URL wins over hashtags and mentions inside it."""
    return _entities(_nfc(text))


# --------------------------------------------------------------------------- HTML

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
_URL_PREFIX_RE = re.compile(r"https?://(?:www\.)?", re.IGNORECASE)
_HAS_SCHEME_RE = re.compile(r"https?://", re.IGNORECASE)


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
    """
    t = _normalise(text)
    if not t.strip():
        return ""
    resolved: dict[str, str | None] = {}
    pieces: list[str] = []
    pos = 0
    for entity in _entities(t):
        if entity.kind == "mention":
            if entity.text not in resolved:
                resolved[entity.text] = mention_url(entity.text)
            href = resolved[entity.text]
            if href is None:
                continue
            link = _mention_link(entity.text, href)
        elif entity.kind == "hashtag":
            link = _hashtag_link(entity.text, tag_url(entity.text))
        elif entity.kind == "url":
            link = _url_link(entity.text)
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


def _mention_link(acct: str, href: str) -> str:
    username = acct.partition("@")[0]
    return (
        f'<span class="h-card" translate="no"><a href="{escape(href)}" class="u-url mention">'
        f"@<span>{escape(username)}</span></a></span>"
    )


def _hashtag_link(tag: str, href: str) -> str:
    return (
        f'<a href="{escape(href)}" class="mention hashtag" rel="tag">'
        f"#<span>{escape(tag, quote=False)}</span></a>"
    )


def _url_link(url: str) -> str:
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
