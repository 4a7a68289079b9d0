"""Hashtags on the web: follow and feature a tag from its page, the followed hashtags page,
and featured hashtags on a profile; then the same follow in a real browser."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.conftest import User
from tests.e2e.server import Server
from tests.web.browser import DESKTOP_LIGHT, PHONE_DARK, Look
from tests.web.test_browser import People, api, check_page, post_card, sign_in, unique
from tests.web.test_pages import assert_safe_page
from tests.web.test_pages import sign_in as sign_in_client

if TYPE_CHECKING:
    from playwright.sync_api import Page

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail, in CI) with the reason
    expect = None  # type: ignore[assignment]


async def test_follow_and_feature_a_tag_from_its_page(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    await client.post("/api/v1/statuses", json={"status": "I love #Cats"}, headers=bob.auth)
    await client.post("/api/v1/statuses", json={"status": "#cats again"}, headers=alice.auth)
    token = await sign_in_client(client, alice)
    page = await client.get("/tags/cats")
    assert_safe_page(page)
    assert "2 posts this week." in page.text
    assert 'action="/tags/cats/follow"' in page.text
    r = await client.post("/tags/cats/follow", data={"csrf_token": token, "next": "/tags/cats"})
    assert r.status_code == 303
    assert r.headers["location"] == "/tags/cats"
    page = await client.get("/tags/cats")
    assert 'action="/tags/cats/unfollow"' in page.text
    r = await client.get("/api/v1/followed_tags", headers=alice.auth)
    assert [t["name"] for t in r.json()] == ["Cats"]

    listing = await client.get("/followed_tags")
    assert_safe_page(listing)
    assert re.search(r'<a href="/tags/cats">#Cats</a>', listing.text)
    r = await client.post(
        "/tags/Cats/unfollow", data={"csrf_token": token, "next": "/followed_tags"}
    )
    assert r.headers["location"] == "/followed_tags"
    assert "You follow no hashtags yet." in (await client.get("/followed_tags")).text

    r = await client.post("/tags/cats/feature", data={"csrf_token": token})
    assert r.status_code == 303
    profile = await client.get("/@alice")
    assert_safe_page(profile)
    assert 'href="/@alice/tagged/cats"' in profile.text
    tagged = await client.get("/@alice/tagged/cats")
    assert tagged.status_code == 200
    assert "again" in tagged.text
    assert "I love" not in tagged.text
    assert 'action="/tags/cats/unfeature"' in (await client.get("/tags/cats")).text


async def test_tag_forms_refuse_bad_requests(client: httpx.AsyncClient, alice: User) -> None:
    token = await sign_in_client(client, alice)
    r = await client.post("/tags/cats/follow", data={})  # no CSRF token
    assert r.status_code == 403
    assert (await client.post("/tags/cats/explode", data={"csrf_token": token})).status_code == 404
    assert (await client.post("/tags/12/follow", data={"csrf_token": token})).status_code == 404
    for i in range(10):
        await client.post(f"/tags/t{i}/feature", data={"csrf_token": token})
    r = await client.post("/tags/eleven/feature", data={"csrf_token": token})
    assert r.status_code == 422
    assert "at most 10 hashtags" in r.text
    r = await client.get("/api/v1/followed_tags", headers=alice.auth)
    assert r.json() == []
    assert (await client.get("/@alice/tagged/no-such!tag")).status_code == 404
    client.cookies.clear()
    r = await client.get("/followed_tags")
    assert r.status_code in (302, 303)
    assert "Sign in to follow" in (await client.get("/tags/cats")).text


@pytest.fixture(scope="module")
def people(server: Server) -> People:
    return People(server)


two_looks = pytest.mark.parametrize(
    "look", [DESKTOP_LIGHT, PHONE_DARK], indirect=True, ids=lambda look: look.name
)


@pytest.mark.e2e
@two_looks
def test_follow_a_tag_in_the_browser(
    page: Page, server: Server, people: People, look: Look
) -> None:
    tag = unique("tag").replace("_", "")
    author = people.new("author")
    api(server, author.token, "POST", "/api/v1/statuses", status=f"Before #{tag}")
    me = people.new("reader")
    sign_in(page, me.name)

    page.goto(f"/tags/{tag}")
    expect(page.get_by_role("heading", name=f"#{tag}", level=1)).to_be_visible()
    expect(post_card(page, "Before")).to_be_visible()
    page.get_by_role("button", name=f"Follow #{tag}").click()
    expect(page.get_by_role("button", name=f"Unfollow #{tag}")).to_be_visible()
    check_page(page, look, "a followed hashtag's page")

    # A new post with the tag, from someone the reader does not follow, reaches their home.
    api(server, author.token, "POST", "/api/v1/statuses", status=f"After #{tag}")
    for _ in range(40):  # the fan-out job runs a moment after the post
        page.goto("/")
        if post_card(page, "After").count():
            break
        page.wait_for_timeout(250)
    expect(post_card(page, "After")).to_be_visible()

    page.goto(f"/tags/{tag}")
    page.get_by_role("link", name="Followed hashtags").click()
    expect(page.get_by_role("link", name=f"#{tag}")).to_be_visible()
    check_page(page, look, "the followed hashtags page")
    page.get_by_role("button", name=f"Unfollow #{tag}").click()
    expect(page.get_by_text("You follow no hashtags yet.")).to_be_visible()

    # Featured on the reader's profile, as a link to their posts with it.
    page.goto(f"/tags/{tag}")
    page.get_by_role("button", name="Feature on your profile").click()
    expect(page.get_by_role("button", name="Stop featuring on your profile")).to_be_visible()
    page.goto(f"/@{me.name}")
    expect(page.get_by_role("link", name=re.compile(f"#{tag}"))).to_be_visible()
    check_page(page, look, "a profile with a featured hashtag")
