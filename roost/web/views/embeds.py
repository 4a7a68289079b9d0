"""Embedded posts: the page another site puts in an iframe (/@name/id/embed), and the page
that gives a post's author or reader the snippet to paste (/@name/id/embed_code).

The embed page is what a news site shows its readers, many of whom refuse cookies: a site
that keeps nothing in their browser needs no consent, so no cookie banner hides the post
(the report Roost was born from). It therefore sets no cookie, not even the CSRF one
`render` sets (it has no form), reads none (everyone sees the same anonymous page, which
may be cached), loads nothing from another origin (its Content-Security-Policy says so to
the browser), and may be framed by any site, unlike every other page of ours."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from roost.errors import NotFound, RoostError
from roost.instance import Roost
from roost.statuses.entities import Status
from roost.web.i18n import LOCALES, choose_locale
from roost.web.render import Page, env, page_view, parse_id, redirect, render

EMBEDDABLE = ("public", "unlisted")
SNIPPET_WIDTH = 400  # as /api/oembed without maxwidth
EMBED_CACHE = 180  # seconds; Mastodon's embeds are cached as long


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def embed_headers(base_url: str, media_url: str) -> dict[str, str]:
    """An embed's headers: any site may frame it; it runs our one script, loads our own
    styles, and images and media from our own media store only (`media_url`, a file's
    address there: a bucket or CDN of the instance's may be another origin), and sends
    nothing anywhere."""
    own = f"'self' {_origin(base_url)}"
    media = " ".join(dict.fromkeys(["'self'", _origin(base_url), _origin(media_url)]))
    policy = (
        f"default-src 'none'; script-src {own}; style-src {own}; img-src {media} data:; "
        f"media-src {media}; connect-src 'none'; form-action 'none'; base-uri 'none'; "
        "frame-ancestors *"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": f"public, max-age={EMBED_CACHE}",
        "Vary": "Accept-Language",
    }


def snippet(base_url: str, status: Status) -> str:
    """What /api/oembed gives as `html` for this post without maxwidth (a test holds the
    two equal: the API door and this one may not import each other)."""
    src = f"{base_url}/@{status.account.username}/{status.id}/embed"
    return (
        f'<iframe src="{escape(src)}" class="mastodon-embed" '
        f'style="max-width: 100%; border: 0" width="{SNIPPET_WIDTH}" '
        f'allowfullscreen="allowfullscreen"></iframe>'
        f'<script src="{escape(base_url)}/static/embed.js" async="async"></script>'
    )


async def embeddable(roost: Roost, name: str, raw_id: str) -> Status:
    """The post /@name/id names, as a signed-out visitor sees it; NotFound unless it is
    public or unlisted and not a boost (Mastodon's StatusesController#embed)."""
    status_id = parse_id(raw_id)
    if status_id is None:
        raise NotFound()
    status = await roost.statuses.one(None, status_id)
    if (
        status.reblog is not None
        or status.visibility not in EMBEDDABLE
        or status.account.username.lower() != name.lower()
    ):
        raise NotFound()
    return status


def _embed_page(
    request: Request, roost: Roost, template: str, status_code: int, **context: Any
) -> HTMLResponse:
    # Not `render`: it would set the CSRF cookie, and the page would vary with the session.
    locale = choose_locale(request)
    base_url = roost.settings.base_url
    html = env.get_template(template).render(
        request=request,
        me=None,
        locale=locale,
        locales=LOCALES,
        site_title=roost.settings.title,
        page_domain=roost.settings.domain,
        **context,
    )
    media_url = roost.media_storage.url("embed")  # any key: only its origin is used
    return HTMLResponse(html, status_code=status_code, headers=embed_headers(base_url, media_url))


async def embed(request: Request) -> Response:
    """GET /@name/{id}/embed: the post alone, for an iframe on any site."""
    roost: Roost = request.app.state.roost
    try:
        status = await embeddable(
            roost, str(request.path_params["name"]), str(request.path_params["id"])
        )
    except RoostError as exc:
        return _embed_page(request, roost, "embed_missing.html", exc.status)
    url = f"/@{status.account.username}/{status.id}"
    return _embed_page(request, roost, "embed.html", 200, status=status, status_url=url)


@page_view()
async def embed_code(page: Page) -> Response:
    """GET /@name/{id}/embed_code: the snippet to paste into another site, and a preview."""
    name = str(page.request.path_params["name"])
    status = await embeddable(page.roost, name, str(page.request.path_params["id"]))
    if name != status.account.username:
        return redirect(f"/@{status.account.username}/{status.id}/embed_code")
    return render(
        page,
        "embed_code.html",
        status=status,
        snippet=snippet(page.base_url, status),
        embed_src=f"/@{status.account.username}/{status.id}/embed",
    )
