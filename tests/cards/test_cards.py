"""Link preview cards: the first link of a post fetched in a job from a real HTTP server on
127.0.0.1 (with ROOST_ALLOW_PRIVATE_NETWORK on), its OpenGraph / oEmbed metadata and
picture kept once per URL, and every way a page can fail to give one."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from PIL import Image

from roost.cards import jobs as cards_jobs
from roost.cards.parse import embed_html, first_link, read_page
from roost.cards.tables import preview_cards
from roost.instance import Roost
from roost.trends.actions import do_review
from tests.conftest import MakeUser, User, variant
from tests.outbound.server import Answer, Receiver, receiver
from tests.push.helpers import client_for
from tests.web.test_pages import assert_safe_page, sign_in


def page(head: str, body: str = "<p>Hello</p>") -> Answer:
    html = f"<!doctype html><html lang='en'><head>{head}</head><body>{body}</body></html>"
    return Answer(body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (1200, 630), "navy")
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def site() -> Iterator[Receiver]:
    with receiver() as r:
        yield r


@pytest.fixture
async def open_roost(roost: Roost) -> AsyncIterator[Roost]:
    async with variant(roost, allow_private_network=True) as other:
        yield other


@pytest.fixture
async def api(open_roost: Roost) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_for(open_roost):
        yield c


async def post(api: httpx.AsyncClient, user: User, text: str, **extra: Any) -> dict[str, Any]:
    r = await api.post("/api/v1/statuses", json={"status": text, **extra}, headers=user.auth)
    assert r.status_code == 200, r.text
    got: dict[str, Any] = (
        await api.get(f"/api/v1/statuses/{r.json()['id']}", headers=user.auth)
    ).json()
    return got


async def test_a_post_gets_the_card_of_its_first_link(
    api: httpx.AsyncClient, open_roost: Roost, site: Receiver, alice: User
) -> None:
    site.answers["/article"] = page(
        '<title>Plain title</title><meta property="og:title" content="The &amp; headline">'
        '<meta property="og:description" content="What  it <b>says</b>">'
        '<meta property="og:image" content="/pic.jpg">'
        '<meta property="og:image:alt" content="A sky">'
        '<meta property="og:site_name" content="Example News"><meta name="author" content="Ana">'
        '<meta property="article:published_time" content="2026-11-30T10:00:00+01:00">'
    )
    site.answers["/pic.jpg"] = Answer(body=jpeg_with_exif(), headers={"Content-Type": "image/jpeg"})
    url = site.url("/article")
    first = await post(api, alice, f"Read {url} and {site.url('/other')}")
    card = first["card"]
    assert card["url"] == url
    assert card["type"] == "link"
    assert card["title"] == "The & headline"
    assert card["description"] == "What it says"
    assert card["provider_name"] == "Example News"
    assert card["author_name"] == "Ana"
    assert card["authors"] == [{"name": "Ana", "url": "", "account": None}]
    assert card["language"] == "en"
    assert card["published_at"] == "2026-11-30T09:00:00.000Z"
    assert card["image_description"] == "A sky"
    assert card["blurhash"]
    assert 0 < card["width"] * card["height"] <= 640 * 360  # a preview, not the original
    picture = await api.get(card["image"])
    assert picture.status_code == 200
    with Image.open(io.BytesIO(picture.content)) as stored:
        assert not stored.getexif()  # the camera's metadata is gone
    # Once per URL: a second post linking there fetches nothing.
    fetched = len(site.received)
    second = await post(api, alice, f"Again {url}")
    assert second["card"] == card
    assert len(site.received) == fetched
    assert await open_roost.db.scalar(sa.select(sa.func.count()).select_from(preview_cards)) == 1


async def test_oembed_video_keeps_only_an_https_iframe(
    api: httpx.AsyncClient, site: Receiver, alice: User
) -> None:
    site.answers["/video"] = page(
        f'<link rel="alternate" type="application/json+oembed" href="{site.url("/oembed")}">'
    )
    frame = '<iframe src="https://player.example/v/1" width="480" height="270"></iframe>'
    site.answers["/oembed"] = Answer(
        body=(
            '{"type": "video", "title": "A film", "author_name": "Bo", "author_url": '
            '"https://example.com/bo", "provider_name": "Tube", "width": "480", "height": 270, '
            f'"html": "{frame.replace(chr(34), chr(92) + chr(34))}<script>alert(1)</script>"}}'
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    card = (await post(api, alice, f"Watch {site.url('/video')}"))["card"]
    assert card["type"] == "video"
    assert card["title"] == "A film"
    assert card["provider_name"] == "Tube"
    assert (card["width"], card["height"]) == (480, 270)
    assert card["html"].startswith('<iframe src="https://player.example/v/1"')
    assert "script" not in card["html"]


@pytest.mark.parametrize("case", ["404", "not_html", "too_big", "no_metadata", "slow"])
async def test_pages_that_give_no_card(
    api: httpx.AsyncClient, site: Receiver, alice: User, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cards_jobs, "SECONDS", 0.5)
    answers = {
        "404": Answer(status=404, body=b"gone"),
        "not_html": Answer(body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}),
        "too_big": Answer(stream_bytes=3_000_000, headers={"Content-Type": "text/html"}),
        "no_metadata": page("", "<p>Nothing to say</p>"),
        "slow": Answer(delay=2, body=b"<title>Late</title>", headers={"Content-Type": "text/html"}),
    }
    site.answers["/page"] = answers[case]
    got = await post(api, alice, f"See {site.url('/page')}")
    assert got["card"] is None


async def test_private_addresses_are_not_fetched_without_the_switch(
    client: httpx.AsyncClient, site: Receiver, alice: User
) -> None:
    site.answers["/article"] = page('<meta property="og:title" content="Inside">')
    r = await client.post(
        "/api/v1/statuses", json={"status": f"See {site.url('/article')}"}, headers=alice.auth
    )
    assert r.status_code == 200
    # The URL is a link all the same; only fetching it is refused.
    assert f'href="{site.url("/article")}"' in r.json()["content"]
    got = (await client.get(f"/api/v1/statuses/{r.json()['id']}")).json()
    assert got["card"] is None
    assert site.received == []


async def test_an_edit_that_removes_the_link_drops_the_card(
    api: httpx.AsyncClient, site: Receiver, alice: User
) -> None:
    site.answers["/a"] = page('<meta property="og:title" content="A">')
    posted = await post(api, alice, f"Link {site.url('/a')}")
    assert posted["card"]["title"] == "A"
    path = f"/api/v1/statuses/{posted['id']}"
    r = await api.put(path, json={"status": "No link now"}, headers=alice.auth)
    assert r.status_code == 200
    assert (await api.get(path)).json()["card"] is None


def test_reading_pages() -> None:
    meta = read_page(
        "<html><head><meta name='twitter:title' content='T'><meta name=description content=D>"
        "<meta name='twitter:image' content='//cdn.example/i.png'></head><body>"
        "<meta property='og:title' content='in the body'></body></html>",
        "https://example.com/a/b",
    )
    assert (meta.title, meta.description, meta.image) == ("T", "D", "https://cdn.example/i.png")
    assert embed_html('<iframe src="http://insecure/x"></iframe>') == ""
    assert (
        embed_html('<iframe src="https://a/x"></iframe><iframe src="https://b/y"></iframe>') == ""
    )
    assert (
        first_link("see example.com, https://a.example.com/x", "http://me")
        == "https://a.example.com/x"
    )
    assert first_link("mine https://me.example.com/@bob/1", "https://me.example.com") is None


async def test_the_card_under_a_post_on_the_web(
    api: httpx.AsyncClient, site: Receiver, alice: User
) -> None:
    site.answers["/a"] = page('<meta property="og:title" content="Tom &amp; Jerry">')
    posted = await post(api, alice, f"Link {site.url('/a')}")
    await sign_in(api, alice)
    shown = await api.get(f"/@alice/{posted['id']}")
    assert_safe_page(shown)
    assert '<strong class="link-card-title">Tom &amp; Jerry</strong>' in shown.text
    assert f'class="link-card" href="{site.url("/a")}"' in shown.text


async def test_links_trend_by_distinct_people(
    api: httpx.AsyncClient, open_roost: Roost, site: Receiver, make_user: MakeUser, alice: User
) -> None:
    site.answers["/hot"] = page('<meta property="og:title" content="Hot news">')
    site.answers["/spam"] = page('<meta property="og:title" content="Buy now">')
    people = [await make_user(f"reader{n}") for n in range(3)]
    for person in people:
        await post(api, person, f"Wow {site.url('/hot')}")
    for n in range(5):
        await post(api, alice, f"Deal {n} {site.url('/spam')}")
    await post(api, alice, f"Secret {site.url('/hot')}", visibility="private")  # not counted
    r = await api.get("/api/v1/trends/links")
    assert r.status_code == 200, r.text
    links = r.json()
    assert [link["url"] for link in links] == [site.url("/hot")]  # one person is no trend
    assert links[0]["title"] == "Hot news"
    today = links[0]["history"][0]
    assert (today["accounts"], today["uses"]) == ("3", "3")
    assert len(links[0]["history"]) == 7
    shown = await api.get("/explore/trends")
    assert_safe_page(shown)
    assert '<strong class="link-card-title">Hot news</strong>' in shown.text
    assert "Shared by 3 people in the last 2 days" in shown.text
    card_id = await open_roost.db.scalar(
        sa.select(preview_cards.c.id).where(preview_cards.c.url == site.url("/hot"))
    )
    await do_review(open_roost.db, "link", int(card_id), False)
    await open_roost.cache.clear()
    assert (await api.get("/api/v1/trends/links")).json() == []
    shown = await api.get("/explore/trends")
    assert_safe_page(shown)
    assert "Hot news" not in shown.text  # rejected
