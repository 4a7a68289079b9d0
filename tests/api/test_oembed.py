"""GET /api/oembed: Mastodon's shape, for public and unlisted posts of this server only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import User
from tests.web.test_pages import sign_in

BASE = "http://testserver"


async def _post(client: httpx.AsyncClient, user: User, **data: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/statuses", json=data, headers=user.auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _oembed(client: httpx.AsyncClient, **params: str) -> httpx.Response:
    return await client.get("/api/oembed", params=params)


async def test_oembed_shape(client: httpx.AsyncClient, make_user: Any) -> None:
    writer = await make_user("writer", display_name="The Writer")
    status = await _post(client, writer, status="Embed me, please")
    r = await _oembed(client, url=status["url"])
    assert r.status_code == 200, r.text
    body = r.json()
    embed = f"{BASE}/@writer/{status['id']}/embed"
    assert body == {
        "type": "rich",
        "version": "1.0",
        "author_name": "The Writer",
        "author_url": f"{BASE}/@writer",
        "provider_name": "testserver",
        "provider_url": f"{BASE}/",
        "cache_age": 86400,
        "html": (
            f'<iframe src="{embed}" class="mastodon-embed" style="max-width: 100%; border: 0" '
            'width="400" allowfullscreen="allowfullscreen"></iframe>'
            f'<script src="{BASE}/static/embed.js" async="async"></script>'
        ),
        "width": 400,
        "height": None,
    }
    # The post's `uri` names it too, and no token is needed either way.
    by_uri = await _oembed(client, url=status["uri"])
    assert by_uri.status_code == 200
    assert by_uri.json() == body


async def test_author_name_falls_back_to_the_username(
    client: httpx.AsyncClient, alice: User
) -> None:
    status = await _post(client, alice, status="No display name here")
    body = (await _oembed(client, url=status["url"])).json()
    assert body["author_name"] == "alice"


async def test_maxwidth_and_maxheight(client: httpx.AsyncClient, alice: User) -> None:
    status = await _post(client, alice, status="Sized")
    body = (await _oembed(client, url=status["url"], maxwidth="550", maxheight="300")).json()
    assert body["width"] == 550
    assert body["height"] == 300
    assert 'width="550" height="300"' in body["html"]
    only_width = (await _oembed(client, url=status["url"], maxwidth="250")).json()
    assert only_width["width"] == 250
    assert only_width["height"] is None
    assert "height=" not in only_width["html"]


async def test_unlisted_posts_embed(client: httpx.AsyncClient, alice: User) -> None:
    status = await _post(client, alice, status="Quietly", visibility="unlisted")
    r = await _oembed(client, url=status["url"])
    assert r.status_code == 200
    assert f"/@alice/{status['id']}/embed" in r.json()["html"]


@pytest.mark.parametrize("visibility", ["private", "direct"])
async def test_private_and_direct_posts_do_not_embed(
    client: httpx.AsyncClient, alice: User, bob: User, visibility: str
) -> None:
    status = await _post(client, alice, status="@bob just us", visibility=visibility)
    for url in (status["url"], status["uri"]):
        r = await _oembed(client, url=url)
        assert r.status_code == 404
        assert r.json() == {"error": "Record not found"}
    # Not even for a token that may read the post.
    r = await client.get("/api/oembed", params={"url": status["url"]}, headers=bob.auth)
    assert r.status_code == 404


async def test_deleted_posts_and_boosts_do_not_embed(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    status = await _post(client, alice, status="Soon gone")
    boost = await client.post(f"/api/v1/statuses/{status['id']}/reblog", headers=bob.auth)
    assert boost.status_code == 200
    boost_uri = boost.json()["uri"]
    r = await _oembed(client, url=boost_uri)
    assert r.status_code == 404
    await client.delete(f"/api/v1/statuses/{status['id']}", headers=alice.auth)
    r = await _oembed(client, url=status["url"])
    assert r.status_code == 404


async def test_unknown_and_foreign_urls_are_not_found(
    client: httpx.AsyncClient, alice: User
) -> None:
    status = await _post(client, alice, status="Mine")
    sid = status["id"]
    for url in (
        f"https://elsewhere.example/@alice/{sid}",  # another server
        f"{BASE}/@bob/{sid}",  # someone else's name
        f"{BASE}/@alice/{int(sid) + 1}",  # no such post
        f"{BASE}/@alice",  # a profile, not a post
        f"{BASE}/tags/roost",
        f"ftp://testserver/@alice/{sid}",
        f"{BASE}/@alice/99999999999999999999999",  # not an id
        "not a url at all",
        "http://[not-ipv6/@alice/1",
    ):
        r = await _oembed(client, url=url)
        assert r.status_code == 404, url
        assert "error" in r.json()


async def test_bad_requests_get_an_error(client: httpx.AsyncClient, alice: User) -> None:
    status = await _post(client, alice, status="Mine")
    cases: list[dict[str, str]] = [
        {},  # no url
        {"url": ""},
        {"url": "http://testserver/" + "a" * 3000},
        {"url": status["url"], "maxwidth": "wide"},
        {"url": status["url"], "maxheight": "1.5e3x"},
    ]
    for params in cases:
        r = await client.get("/api/oembed", params=params)
        assert 400 <= r.status_code < 500, params
        assert isinstance(r.json()["error"], str)


async def test_the_post_page_advertises_its_oembed(client: httpx.AsyncClient, alice: User) -> None:
    public = await _post(client, alice, status="Find my oEmbed")
    page = await client.get(f"/@alice/{public['id']}")
    assert page.status_code == 200
    href = f"{BASE}/api/oembed?format=json&amp;url=http%3A//testserver/%40alice/{public['id']}"
    assert f'<link rel="alternate" type="application/json+oembed" href="{href}">' in page.text
    # The advertised address answers (with the format parameter oEmbed consumers send).
    found = await client.get(href.replace("&amp;", "&"))
    assert found.status_code == 200
    assert found.json()["type"] == "rich"
    hidden = await _post(client, alice, status="Not for embedding", visibility="private")
    await sign_in(client, alice)  # the author, who may see it
    page = await client.get(f"/@alice/{hidden['id']}")
    assert page.status_code == 200
    assert "Not for embedding" in page.text
    assert "application/json+oembed" not in page.text
