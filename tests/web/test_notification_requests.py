"""The web app's filtered notifications: the entry on the notifications page, the page of
requests with Accept and Dismiss, the policy's form; and the unread badge, counted live in
a real browser."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.api.test_statuses import post
from tests.conftest import User
from tests.e2e.server import Server
from tests.web.browser import DESKTOP_LIGHT, PHONE_DARK, Look
from tests.web.test_browser import People, api, check_page, sign_in
from tests.web.test_pages import assert_safe_page, csrf_of
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


def text_of(r: httpx.Response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", r.text))


async def test_accept_and_dismiss_requests_in_the_web_app(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    await post(client, bob, "@alice a secret from bob", visibility="direct")
    await post(client, carol, "@alice a secret from carol", visibility="direct")
    await sign_in_client(client, alice)

    page = await client.get("/notifications")
    assert_safe_page(page)
    assert "Filtered notifications (2)" in text_of(page)
    assert "a secret" not in text_of(page)
    page = await client.get("/notifications/requests")
    assert_safe_page(page)
    text = text_of(page)
    assert "a secret from bob" in text
    assert "a secret from carol" in text
    found = re.findall(
        r'action="/notifications/requests/(\d+)/accept">.*?sr-only"> (\w+)</span>', page.text, re.S
    )
    ids = {name: request_id for request_id, name in found}
    token = csrf_of(page.text)

    r = await client.post(f"/notifications/requests/{ids['bob']}/accept", data={})
    assert r.status_code == 403  # no CSRF token
    r = await client.post(
        f"/notifications/requests/{ids['bob']}/accept", data={"csrf_token": token}
    )
    assert r.status_code == 303
    r = await client.post(
        f"/notifications/requests/{ids['carol']}/dismiss", data={"csrf_token": token}
    )
    assert r.status_code == 303
    r = await client.post(
        f"/notifications/requests/{ids['carol']}/dismiss", data={"csrf_token": token}
    )
    assert r.status_code == 404  # gone
    text = text_of(await client.get("/notifications"))
    assert "a secret from bob" in text
    assert "a secret from carol" not in text
    assert "Filtered notifications (" not in text
    assert "No filtered notifications" in text_of(await client.get("/notifications/requests"))


async def test_the_policy_form(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    await sign_in_client(client, alice)
    page = await client.get("/notifications/requests")
    token = csrf_of(page.text)
    assert re.search(r'<option value="filter" selected>', page.text)  # private mentions
    r = await client.post(
        "/notifications/policy",
        data={"csrf_token": token, "for_not_following": "drop", "for_private_mentions": "accept"},
    )
    assert r.status_code == 303
    page = await client.get(r.headers["location"])
    assert "Your notification settings were saved." in page.text
    r = await client.get("/api/v2/notifications/policy", headers=alice.auth)
    assert (r.json()["for_not_following"], r.json()["for_private_mentions"]) == ("drop", "accept")
    r = await client.post(
        "/notifications/policy", data={"csrf_token": token, "for_new_accounts": "maybe"}
    )
    assert r.status_code == 422
    r = await client.get("/api/v2/notifications/policy", headers=alice.auth)
    assert r.json()["for_new_accounts"] == "accept"
    status = await post(client, alice, "hello")
    r = await client.post(f"/api/v1/statuses/{status['id']}/favourite", headers=bob.auth)
    assert r.status_code == 200
    assert "liked your post" not in text_of(await client.get("/notifications"))  # dropped


async def test_the_unread_count(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    r = await client.get("/notifications/unread_count")
    assert r.status_code == 303  # signed out: to the sign-in page
    await sign_in_client(client, alice)
    status = await post(client, alice, "hello")
    r = await client.post(f"/api/v1/statuses/{status['id']}/favourite", headers=bob.auth)
    await post(client, bob, "@alice psst", visibility="direct")  # filtered: not counted
    assert (await client.get("/notifications/unread_count")).json() == {"count": 1}
    await client.get("/notifications")  # seen
    assert (await client.get("/notifications/unread_count")).json() == {"count": 0}


@pytest.mark.e2e
@pytest.mark.parametrize(
    "look", [DESKTOP_LIGHT, PHONE_DARK], indirect=True, ids=lambda look: look.name
)
def test_the_badge_counts_likes_live(
    page: Page, server: Server, people: People, look: Look
) -> None:
    author, fan = people.new("author"), people.new("fan")
    posts = [
        api(server, author.token, "POST", "/api/v1/statuses", status=f"Post {i}") for i in range(3)
    ]
    sign_in(page, author.name)
    # The likes come once the page's stream is open: only it can tell the badge of them.
    with page.expect_response(re.compile(r"/api/v1/streaming/user")):
        page.goto("/notifications")
    badge = page.locator("[data-badge]")
    expect(badge).to_be_hidden()
    for status in posts:
        api(server, fan.token, "POST", f"/api/v1/statuses/{status['id']}/favourite")
    api(server, fan.token, "POST", "/api/v1/statuses", status=f"@{author.name} psst",
        visibility="direct")  # fmt: skip
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("3")  # the private mention waits among the filtered
    check_page(page, look, "notifications with the badge")

    page.reload()  # seen: the badge goes, and the page shows the likes, grouped by post
    likes = page.get_by_role("article").filter(has_text="liked your post")
    expect(likes).to_have_count(3)
    expect(likes.first).to_contain_text(re.compile(rf"{fan.name}\s+liked your post"))
    expect(likes.first).to_contain_text("Post 2")
    expect(badge).to_be_hidden()

    page.get_by_role("link", name=re.compile(r"Filtered notifications \(1\)")).click()
    request = page.get_by_role("article").filter(has_text="psst")
    expect(request).to_have_count(1)
    check_page(page, look, "filtered notifications")
    request.get_by_role("button", name=re.compile("Accept")).click()
    expect(page.get_by_text("No filtered notifications.")).to_be_visible()
    page.get_by_role("link", name="Back to notifications").click()
    expect(page.get_by_role("article").filter(has_text="psst")).to_have_count(1)
