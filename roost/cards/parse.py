"""Reading a page's preview metadata: OpenGraph (`og:*`), Twitter cards (`twitter:*`),
plain `<title>` / `<meta name="description">`, and the oEmbed discovery link. Pure
functions over text already fetched; nothing here touches the network."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import msgspec
import nh3

from roost.text.entities import extract_urls

TITLE_MAX = 300
DESCRIPTION_MAX = 1000
_SPACES = re.compile(r"\s+")
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


@dataclass
class PageMeta:
    """What a page says about itself, as found (URLs made absolute)."""

    title: str = ""
    description: str = ""
    image: str = ""
    image_alt: str = ""
    type: str = ""  # og:type
    site_name: str = ""
    author: str = ""
    published: str = ""
    language: str = ""
    oembed: str = ""  # the JSON oEmbed endpoint it points to
    props: dict[str, str] = field(default_factory=dict)


class _Head(HTMLParser):
    """Collects <title>, <meta> and <link rel=alternate> until the body starts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.lang = ""
        self.oembed = ""
        self._in_title = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return  # the body's own tags say nothing about the page
        a = {k.lower(): v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "title":
            self._in_title = not self.title
        elif tag == "meta":
            key = (a.get("property") or a.get("name") or "").strip().lower()
            if key and "content" in a:
                self.meta.setdefault(key, a["content"])
        elif tag == "link" and "alternate" in a.get("rel", "").lower().split():
            if a.get("type", "").lower() == "application/json+oembed" and not self.oembed:
                self.oembed = a.get("href", "")
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def decode_page(body: bytes, content_type: str) -> str:
    """The page's text, in the charset its header or its own <meta> names (UTF-8 else)."""
    charset = ""
    if "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    if not charset and (m := _CHARSET.search(body[:4096])):
        charset = m.group(1).decode("ascii")
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def read_page(text: str, url: str) -> PageMeta:
    """The preview metadata of an HTML page found at `url`."""
    head = _Head()
    # Fed in pieces, stopping at the body: the metadata is in the head, the rest is not read.
    for start in range(0, len(text), 16_384):
        head.feed(text[start : start + 16_384])
        if head.done:
            break
    m = head.meta

    def first(*keys: str) -> str:
        return next((clean(m[k]) for k in keys if clean(m.get(k, ""))), "")

    image = first("og:image:secure_url", "og:image", "og:image:url", "twitter:image",
                  "twitter:image:src")  # fmt: skip
    return PageMeta(
        title=first("og:title", "twitter:title") or clean(head.title),
        description=first("og:description", "twitter:description", "description"),
        image=absolute(image, url),
        image_alt=first("og:image:alt", "twitter:image:alt"),
        type=first("og:type"),
        site_name=first("og:site_name", "application-name"),
        author=first("author", "article:author", "twitter:creator"),
        published=first("article:published_time", "og:article:published_time"),
        language=first("og:locale", "language") or head.lang,
        oembed=absolute(head.oembed, url),
        props=m,
    )


def clean(value: str) -> str:
    """Text as shown: entities decoded, tags dropped, spaces collapsed."""
    value = html.unescape(nh3.clean(value, tags=set()))
    return _SPACES.sub(" ", value).strip()


def absolute(link: str, base: str) -> str:
    """`link` made absolute against `base`; "" unless it is http(s)."""
    link = link.strip()
    if not link:
        return ""
    joined = urljoin(base, link)
    return joined if urlsplit(joined).scheme in ("http", "https") else ""


def language_of(value: str) -> str | None:
    """An ISO 639 code from `en_US`, `en-GB` or `fr`; None for anything else."""
    code = value.replace("_", "-").split("-")[0].strip().lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def published_at(value: str) -> datetime | None:
    """An ISO 8601 time as a naive UTC datetime (as Roost stores times); None if unreadable."""
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


class OEmbed(msgspec.Struct):
    """The fields of an oEmbed answer that a card uses."""

    type: str = "link"
    title: str = ""
    author_name: str = ""
    author_url: str = ""
    provider_name: str = ""
    provider_url: str = ""
    html: str = ""
    width: int | None = None
    height: int | None = None
    url: str = ""  # a photo's own URL
    thumbnail_url: str = ""


def read_oembed(body: bytes) -> OEmbed | None:
    """An oEmbed JSON answer; None when it is not one."""
    try:
        raw: Any = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None
    if not isinstance(raw, dict):
        return None
    raw = {k: v for k, v in raw.items() if k in OEmbed.__struct_fields__}
    for key in ("width", "height"):  # often given as strings ("480")
        value = raw.get(key)
        raw[key] = int(value) if isinstance(value, str) and value.isdigit() else value
    try:
        return msgspec.convert(raw, OEmbed, strict=False)
    except msgspec.ValidationError:
        return None


def embed_html(value: str) -> str:
    """An oEmbed `html` kept only as one iframe from an https origin (what Mastodon keeps
    for video and rich cards); "" for anything else."""
    cleaned = nh3.clean(
        value,
        tags={"iframe"},
        attributes={"iframe": {"src", "width", "height", "allowfullscreen", "title"}},
        url_schemes={"https"},
        link_rel=None,
    ).strip()
    if not cleaned.startswith("<iframe") or cleaned.count("<iframe") != 1 or 'src="' not in cleaned:
        return ""
    if not cleaned.endswith("</iframe>"):
        return ""
    return cleaned


def first_link(text: str, own_base_url: str) -> str | None:
    """The first http(s) link a post's text holds (written with its scheme, as Mastodon
    fetches), not one to this server itself; None if there is none."""
    if "http" not in text:
        return None
    own = urlsplit(own_base_url).netloc.lower()
    for entity in extract_urls(text):
        parts = urlsplit(entity.text)
        if parts.scheme in ("http", "https") and parts.netloc.lower() != own:
            return entity.text
    return None
