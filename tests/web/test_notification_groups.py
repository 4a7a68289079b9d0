"""The notifications page shows groups ("Ana and 2 others liked your post") and has tabs
for all notifications and mentions: through HTTP, then in a real browser."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.api.test_statuses import post
from tests.conftest import MakeUser, User
from tests.e2e.server import Server
from tests.web.browser import DESKTOP_LIGHT, PHONE_DARK, Look
from tests.web.test_browser import People, api, check_page, sign_in
from tests.web.test_pages import assert_safe_page
from tests.web.test_pages import sign_in as sign_in_client

if TYPE_CHECKING:
    from playwright.sync_api import Page

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail, in CI) with the reason
    expect = None  # type: ignore[assignment]


@pytest.fixture(scope="module")
def people(server: Server) -> People:
    return People(server)


async def test_groups_and_the_mentions_tab(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User, make_user: MakeUser
) -> None:
    dave = await make_user("dave")
    status = await post(client, alice, "Liked by many")
    for user in (bob, carol, dave):
        r = await client.post(f"/api/v1/statuses/{status['id']}/favourite", headers=user.auth)
        assert r.status_code == 200
    await client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    await post(client, carol, "@alice are you there?")
    await sign_in_client(client, alice)

    page = await client.get("/notifications")
    assert_safe_page(page)
    text = re.sub(r"<[^>]+>", "", page.text)
    assert re.search(r"dave\s+and 2 others liked your post", text)
    assert re.search(r"bob\s+followed you", text)
    assert "are you there?" in text
    assert text.count("liked your post") == 1
    assert 'href="/notifications?filter=mentions"' in page.text
    assert re.search(r'<a href="/notifications" aria-current="page">All</a>', page.text)

    page = await client.get("/notifications?filter=mentions")
    assert_safe_page(page)
    text = re.sub(r"<[^>]+>", "", page.text)
    assert "are you there?" in text
    assert "liked your post" not in text
    assert "followed you" not in text
    assert re.search(r'filter=mentions" aria-current="page">Mentions</a>', page.text)

    page = await client.get("/notifications?max_id=1")
    assert "No notifications yet." in page.text
    await sign_in_client(client, bob)
    page = await client.get("/notifications?filter=mentions")
    assert "No mentions yet." in page.text


@pytest.mark.e2e
@pytest.mark.parametrize(
    "look", [DESKTOP_LIGHT, PHONE_DARK], indirect=True, ids=lambda look: look.name
)
def test_likes_show_as_one_group_in_the_browser(
    page: Page, server: Server, people: People, look: Look
) -> None:
    author = people.new("liked")
    fans = [people.new(f"fan{i}") for i in range(3)]
    status = api(server, author.token, "POST", "/api/v1/statuses", status="Please like this")
    for fan in fans:
        api(server, fan.token, "POST", f"/api/v1/statuses/{status['id']}/favourite")
    me = api(server, author.token, "GET", "/api/v1/accounts/verify_credentials")
    api(server, fans[0].token, "POST", f"/api/v1/accounts/{me['id']}/follow")
    api(server, fans[1].token, "POST", "/api/v1/statuses", status=f"@{author.name} hello there")

    sign_in(page, author.name)
    page.goto("/notifications")
    likes = page.get_by_role("article").filter(has_text="liked your post")
    expect(likes).to_have_count(1)
    expect(likes).to_contain_text(re.compile(rf"{fans[2].name}\s+and 2 others liked your post"))
    expect(likes).to_contain_text("Please like this")
    expect(page.get_by_role("article").filter(has_text="followed you")).to_have_count(1)
    check_page(page, look, "notifications")

    page.get_by_role("link", name="Mentions", exact=True).click()
    expect(page.get_by_role("article").filter(has_text="hello there")).to_have_count(1)
    expect(page.get_by_role("article").filter(has_text="liked your post")).to_have_count(0)
    check_page(page, look, "mentions")
