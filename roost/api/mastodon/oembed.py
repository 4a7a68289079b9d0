"""/api/oembed: what a page needs to embed a post (oEmbed 1.0, "rich"), in Mastodon's
shape (app/serializers/oembed_serializer.rb): an iframe of the post's embed page, which
sets no cookie and loads nothing from elsewhere, and the small script that sizes it."""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

import msgspec
from starlette.responses import Response

from roost.api.http import Api, ApiRequest
from roost.errors import NotFound
from roost.http.params import id_or_none
from roost.http.responses import json_response
from roost.statuses.entities import Status

api = Api()

DEFAULT_WIDTH = 400  # Mastodon's maxwidth default
MAX_SIDE = 10_000  # a bigger frame is a mistake; Mastodon passes any number through
CACHE_AGE = 86_400
EMBEDDABLE = ("public", "unlisted")
# The web address (`/@name/id`) and the ActivityPub `uri` (`/users/name/statuses/id`).
_PATHS = (
    re.compile(r"/@(?P<name>[^/@]+)/(?P<id>[0-9]+)/?"),
    re.compile(r"/users/(?P<name>[^/]+)/statuses/(?P<id>[0-9]+)/?"),
)


class OEmbed(msgspec.Struct, kw_only=True):
    """Mastodon's oEmbed answer (its `width` and `height` are the iframe's, `height` null
    unless `maxheight` was given: the embed script sizes the frame to its content)."""

    type: str
    version: str
    author_name: str
    author_url: str
    provider_name: str
    provider_url: str
    cache_age: int
    html: str
    width: int
    height: int | None


def status_in_url(url: str, domain: str) -> tuple[str, int] | None:
    """(author's name, status id) named by a URL of this server's posts, whatever its
    scheme (Mastodon's StatusFinder compares the host alone); None for any other URL."""
    try:
        parts = urlsplit(url.strip())
        host = parts.netloc.rpartition("@")[2].lower()
    except ValueError:  # a bracketed host that is not an IPv6 address
        return None
    if parts.scheme not in ("http", "https") or host != domain.lower():
        return None
    for pattern in _PATHS:
        found = pattern.fullmatch(parts.path)
        if found is not None:
            status_id = id_or_none(found["id"])
            return None if status_id is None else (found["name"], status_id)
    return None


def embed_url(base_url: str, status: Status) -> str:
    return f"{base_url}/@{status.account.username}/{status.id}/embed"


def embed_html(base_url: str, status: Status, width: int, height: int | None) -> str:
    """The snippet a page pastes: Mastodon's (`class="mastodon-embed"`, which WordPress and
    other consumers of Mastodon's oEmbed style and size), with Roost's embed script."""
    size = f' width="{width}"' + (f' height="{height}"' if height is not None else "")
    return (
        f'<iframe src="{escape(embed_url(base_url, status))}" class="mastodon-embed" '
        f'style="max-width: 100%; border: 0"{size} allowfullscreen="allowfullscreen"></iframe>'
        f'<script src="{escape(base_url)}/static/embed.js" async="async"></script>'
    )


def oembed_of(base_url: str, domain: str, status: Status, width: int, height: int | None) -> OEmbed:
    account = status.account
    return OEmbed(
        type="rich",
        version="1.0",
        author_name=account.display_name or account.username,
        author_url=f"{base_url}/@{account.username}",
        provider_name=domain,
        provider_url=f"{base_url}/",
        cache_age=CACHE_AGE,
        html=embed_html(base_url, status, width, height),
        width=width,
        height=height,
    )


async def embeddable_status(req: ApiRequest, url: str) -> Status:
    """The post a URL names, as anyone may see it; NotFound unless it is this server's,
    public or unlisted, and not a boost."""
    settings = req.roost.settings
    named = status_in_url(url, settings.domain)
    if named is None:
        raise NotFound()
    name, status_id = named
    status = await req.roost.statuses.one(None, status_id)
    if (
        status.reblog is not None
        or status.visibility not in EMBEDDABLE
        or status.account.username.lower() != name.lower()
    ):
        raise NotFound()
    return status


@api.route(
    "/api/oembed",
    response=OEmbed,
    params={
        "url": "The post's web address (`/@name/id`) or its `uri`",
        "maxwidth": f"The iframe's width (default {DEFAULT_WIDTH})",
        "maxheight": "The iframe's height (default: none, the script sizes it)",
    },
)
async def oembed(req: ApiRequest) -> Response:
    """oEmbed for a public or unlisted post (no token needed)."""
    url = req.params.required_str("url", max_len=2000)
    width = req.params.int("maxwidth", DEFAULT_WIDTH, lo=1, hi=MAX_SIDE)
    height = req.params.int("maxheight", None, lo=1, hi=MAX_SIDE)
    status = await embeddable_status(req, url)
    settings = req.roost.settings
    return json_response(oembed_of(settings.base_url, settings.domain, status, width, height))
