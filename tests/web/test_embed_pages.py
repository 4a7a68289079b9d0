"""The embed page (/@name/id/embed): no cookie, a strict CSP that any site may frame, the
post readable without script, nothing from another origin; 404 for what may not embed.
And the page that gives the snippet, reached from the post's Embed action."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import msgspec
import pytest

from roost.app import create_app
from roost.instance import Roost
from roost.statuses.entities import Status
from roost.web.render import env
from roost.web.session import SESSION_COOKIE
from tests.conftest import MakeUser, User, variant
from tests.web.test_pages import assert_safe_page, sign_in

BASE = "http://testserver"
# Every attribute that makes a browser fetch something.
LOADS = re.compile(r'<(?:img|script|video|audio|source|iframe)\b[^>]*?\s(?:src|poster)="([^"]*)"|'
                   r'<link\b[^>]*?\shref="([^"]*)"')  # fmt: skip


async def _post(client: httpx.AsyncClient, user: User, **data: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/statuses", json=data, headers=user.auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def assert_embed_headers(r: httpx.Response) -> None:
    assert "set-cookie" not in r.headers
    assert "x-frame-options" not in r.headers
    csp = [p.strip() for p in r.headers["content-security-policy"].split(";")]
    assert "frame-ancestors *" in csp
    assert "default-src 'none'" in csp
    assert "connect-src 'none'" in csp
    assert "form-action 'none'" in csp
    assert "script-src 'self' http://testserver" in csp
    assert all("unsafe" not in p for p in csp)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "cookie" not in r.headers.get("vary", "").lower()


def assert_loads_nothing_from_elsewhere(page: str) -> None:
    loads = [a or b for a, b in LOADS.findall(page)]
    assert loads, "the page loads its stylesheet and script at least"
    for url in loads:
        url = html.unescape(url)
        assert url.startswith((f"{BASE}/", "/")), url
        assert not url.startswith("//"), url
    assert " style=" not in page
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page), "no inline script"
    assert "<form" not in page


async def test_an_embed_sets_no_cookie_and_any_site_may_frame_it(
    client: httpx.AsyncClient, make_user: MakeUser, bob: User
) -> None:
    writer = await make_user("writer", display_name="The Writer")
    status = await _post(client, writer, status="Embedded with #care https://example.com/a")
    await client.post(f"/api/v1/statuses/{status['id']}/favourite", headers=bob.auth)
    await _post(client, bob, status="@writer a reply", in_reply_to_id=status["id"])
    r = await client.get(f"/@writer/{status['id']}/embed")
    assert r.status_code == 200
    assert_embed_headers(r)
    assert r.headers["cache-control"] == "public, max-age=180"
    page = r.text
    assert_loads_nothing_from_elsewhere(page)
    assert "The Writer" in page
    assert "@writer@testserver" in page
    assert status["content"] in page  # the post's HTML, as rendered for the API
    assert f'<time datetime="{status["created_at"]}">' in page
    assert "1 reply" in page
    assert "0 reposts" in page
    assert "1 like" in page
    assert f'href="/@writer/{status["id"]}">View on' in page
    assert 'src="http://testserver/static/avatar.png"' in page
    assert '<base target="_blank">' in page
    assert 'src="/static/embed.js"' in page


async def test_an_embed_is_the_same_for_a_signed_in_visitor(
    client: httpx.AsyncClient, alice: User
) -> None:
    status = await _post(client, alice, status="Same for all")
    signed_out = await client.get(f"/@alice/{status['id']}/embed")
    await sign_in(client, alice)
    assert client.cookies.get(SESSION_COOKIE)
    signed_in = await client.get(f"/@alice/{status['id']}/embed")
    assert signed_in.status_code == 200
    assert_embed_headers(signed_in)
    assert signed_in.text == signed_out.text
    # The rest of the site keeps its own policy: no framing, its CSRF cookie.
    page = await client.get(f"/@alice/{status['id']}")
    assert_safe_page(page)
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


async def test_a_content_warning_hides_the_post_behind_a_toggle(
    client: httpx.AsyncClient, alice: User
) -> None:
    status = await _post(client, alice, status="The spoiler", spoiler_text="Film ending")
    page = (await client.get(f"/@alice/{status['id']}/embed")).text
    details = re.search(r'<details class="cw">(.*?)</details>', page, re.S)
    assert details is not None
    assert "Film ending" in details[1]
    assert "The spoiler" in details[1]


async def test_an_embed_shows_poll_results_and_the_quoted_post(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    quoted = await _post(client, bob, status="Quoted words")
    status = await _post(
        client,
        alice,
        status="Which one?",
        poll={"options": ["Tea", "Coffee"], "expires_in": 3600, "hide_totals": False},
        quoted_status_id=quoted["id"],
    )
    page = (await client.get(f"/@alice/{status['id']}/embed")).text
    assert 'class="poll-results"' in page
    assert "Tea" in page
    assert "Coffee" in page
    assert "/votes" not in page  # results, never a ballot
    assert 'class="quote-card"' in page
    assert "Quoted words" in page


async def test_media_show_with_their_alt_text(client: httpx.AsyncClient, alice: User) -> None:
    """The attachments' fields as the media work fills them in (rendered directly: the
    API cannot attach media yet in every branch of the tree)."""

    def medium(kind: str, n: int, description: str | None) -> dict[str, Any]:
        return {
            "id": str(n), "type": kind, "url": f"{BASE}/media/{n}.{kind}",
            "preview_url": f"{BASE}/media/{n}.small.webp", "remote_url": None,
            "description": description, "blurhash": None,
        }  # fmt: skip

    entity = await _post(client, alice, status="Look")
    entity["media_attachments"] = [
        medium("image", 1, "A heron on one leg"),
        medium("video", 2, "The heron flies"),
        medium("gifv", 3, None),
        medium("audio", 4, "Its call"),
    ]
    status = msgspec.convert(entity, Status, strict=False)
    context = {"me": None, "locale": "en", "locales": ["en"], "site_title": "Roost",
               "page_domain": "testserver", "status_url": "/@alice/1"}  # fmt: skip
    page = env.get_template("embed.html").render(status=status, **context)
    assert f'<img src="{BASE}/media/1.small.webp" alt="A heron on one leg"' in page
    assert f'href="{BASE}/media/1.image"' in page
    assert re.search(rf'<video[^>]* src="{BASE}/media/2.video"[^>]* controls', page)
    assert 'aria-label="The heron flies"' in page
    assert re.search(rf'<video[^>]* src="{BASE}/media/3.gifv"[^>]* autoplay loop muted', page)
    assert re.search(rf'<audio[^>]* src="{BASE}/media/4.audio"[^>]* aria-label="Its call"', page)
    assert "<details" not in page
    assert_loads_nothing_from_elsewhere(page)
    sensitive = msgspec.structs.replace(status, sensitive=True)
    page = env.get_template("embed.html").render(status=sensitive, **context)
    hidden = re.search(r"<details class=\"cw embed-sensitive\">(.*?)</details>", page, re.S)
    assert hidden is not None
    assert "A heron on one leg" in hidden[1]


async def test_a_link_preview_card_shows(client: httpx.AsyncClient, alice: User) -> None:
    """A post's link preview card (rendered directly: cards come from a fetch job)."""
    entity = await _post(client, alice, status="Read https://example.com/story")
    image = f"{BASE}/media/cache/preview_cards/1/original.webp"
    entity["card"] = {
        "url": "https://example.com/story", "title": "The harbour reopens",
        "description": "After two years of works.", "language": "en", "type": "link",
        "author_name": "", "author_url": "", "provider_name": "Example News",
        "provider_url": "", "html": "", "width": 400, "height": 200, "image": image,
        "image_description": "Boats at the quay", "embed_url": "", "blurhash": None,
        "published_at": None, "authors": [],
    }  # fmt: skip
    status = msgspec.convert(entity, Status, strict=False)
    context = {"me": None, "locale": "en", "locales": ["en"], "site_title": "Roost",
               "page_domain": "testserver", "status_url": "/@alice/1"}  # fmt: skip
    page = env.get_template("embed.html").render(status=status, **context)
    found = re.search(r'<a class="link-card[^"]*" href="https://example.com/story"[^>]*>(.*?)</a>',
                      page, re.S)  # fmt: skip
    assert found is not None
    assert f'<img src="{image}" alt="Boats at the quay"' in found[1]
    for text in ("The harbour reopens", "After two years of works.", "Example News"):
        assert text in found[1]
    assert_loads_nothing_from_elsewhere(page)
    without = env.get_template("embed.html").render(
        status=msgspec.structs.replace(status, card=None), **context
    )
    assert "link-card" not in without


async def test_media_from_the_instances_bucket_may_load(roost: Roost, alice: User) -> None:
    """Media kept in a bucket or behind a CDN (ROOST_MEDIA_PUBLIC_URL) are the instance's
    own: the embed's policy lets its images and videos load from there, nothing else."""
    async with variant(roost, media_public_url="https://cdn.example.net/media") as other:
        transport = httpx.ASGITransport(app=create_app(other.settings, other))
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            status = await _post(client, alice, status="From the bucket")
            r = await client.get(f"/@alice/{status['id']}/embed")
    assert r.status_code == 200
    assert_embed_headers(r)
    csp = [p.strip() for p in r.headers["content-security-policy"].split(";")]
    mine = "'self' http://testserver"
    assert f"img-src {mine} https://cdn.example.net data:" in csp
    assert f"media-src {mine} https://cdn.example.net" in csp
    assert f"script-src {mine}" in csp
    assert f"style-src {mine}" in csp


@pytest.mark.parametrize("visibility", ["private", "direct"])
async def test_private_and_direct_posts_are_not_found(
    client: httpx.AsyncClient, alice: User, visibility: str
) -> None:
    status = await _post(client, alice, status="Only some", visibility=visibility)
    await sign_in(client, alice)  # even for their author: an embed is for everyone
    for path in (f"/@alice/{status['id']}/embed", f"/@alice/{status['id']}/embed_code"):
        r = await client.get(path)
        assert r.status_code == 404, path
        assert "Only some" not in r.text
    r = await client.get(f"/@alice/{status['id']}/embed")
    assert_embed_headers(r)
    assert "This post is not available" in r.text


async def test_gone_boosted_misnamed_and_unknown_posts_are_not_found(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    status = await _post(client, alice, status="Going")
    boost = await client.post(f"/api/v1/statuses/{status['id']}/reblog", headers=bob.auth)
    for path in (
        f"/@bob/{boost.json()['id']}/embed",
        f"/@bob/{status['id']}/embed",
        f"/@alice/{int(status['id']) + 1}/embed",
        "/@alice/abc/embed",
        "/@nobody/1/embed",
    ):
        r = await client.get(path)
        assert r.status_code == 404, path
        assert_embed_headers(r)
    assert (await client.get(f"/@ALICE/{status['id']}/embed")).status_code == 200
    await client.delete(f"/api/v1/statuses/{status['id']}", headers=alice.auth)
    r = await client.get(f"/@alice/{status['id']}/embed")
    assert r.status_code == 404
    assert_embed_headers(r)


async def test_the_embed_link_gives_the_snippet(client: httpx.AsyncClient, alice: User) -> None:
    public = await _post(client, alice, status="Share me")
    unlisted = await _post(client, alice, status="Share me too", visibility="unlisted")
    private = await _post(client, alice, status="Keep me", visibility="private")
    await sign_in(client, alice)
    for status in (public, unlisted):
        page = (await client.get(f"/@alice/{status['id']}")).text
        assert f'<a href="/@alice/{status["id"]}/embed_code">Embed</a>' in page
    page = (await client.get(f"/@alice/{private['id']}")).text
    assert "Keep me" in page
    assert "/embed_code" not in page
    r = await client.get(f"/@alice/{public['id']}/embed_code")
    assert r.status_code == 200
    assert r.headers["x-frame-options"] == "DENY"  # a page of the site, framed by none
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    oembed = await client.get("/api/oembed", params={"url": public["url"]})
    snippet = re.search(r'<textarea id="embed-snippet"[^>]*>(.*?)</textarea>', r.text, re.S)
    assert snippet is not None
    assert html.unescape(snippet[1]) == oembed.json()["html"]
    assert f'<iframe src="/@alice/{public["id"]}/embed" class="mastodon-embed' in r.text
    # A post's page names its author in its address as written: the snippet page too.
    moved = await client.get(f"/@Alice/{public['id']}/embed_code")
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/@alice/{public['id']}/embed_code"
