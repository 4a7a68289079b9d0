"""In a real browser: a user posts and another reports it; a moderator finds the account in
the dashboard and suspends it with a reason; then the post is gone for everyone."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.e2e.server import Server
from tests.web.browser import DESKTOP_LIGHT, Look
from tests.web.test_browser import People, api, check_page, people, post_card, sign_in

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e
__all__ = ["people"]  # the module-scoped fixture, shared with test_browser


def _ids(server: Server, token: str | None, path: str) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = httpx.get(server.url + path, headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return [s["id"] for s in answer.json()]


def _home_holds(server: Server, token: str, status_id: str) -> bool:
    """Whether the home timeline holds the post, once fan-out (a job) has had time."""
    for _ in range(50):
        if status_id in _ids(server, token, "/api/v1/timelines/home"):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("look", [DESKTOP_LIGHT], indirect=True, ids=lambda look: look.name)
def test_suspend_a_reported_account_from_the_dashboard(
    page: Page, new_context_page: Callable[..., Page], server: Server, people: People,
    look: Look,
) -> None:  # fmt: skip
    from playwright.sync_api import expect

    author, reporter = people.new("spammer"), people.new("reporter")
    follower, mod = people.new("follower"), people.new("mod")
    server.cli("users", "role", mod.name, "moderator")
    author_id = api(server, author.token, "GET", "/api/v1/accounts/verify_credentials")["id"]
    api(server, follower.token, "POST", f"/api/v1/accounts/{author_id}/follow")
    text = f"Cheap pills at spam dot example {author.name}"
    sid = api(server, author.token, "POST", "/api/v1/statuses", status=text)["id"]
    api(
        server, reporter.token, "POST", "/api/v1/reports", account_id=author_id,
        status_ids=[sid], comment="Spam, again",
    )  # fmt: skip
    assert _home_holds(server, follower.token, sid)
    assert sid in _ids(server, None, "/api/v1/timelines/public?local=true")

    sign_in(page, mod.name)
    page.get_by_role("link", name="Moderation").first.click()
    page.get_by_role("link", name="Accounts", exact=True).click()
    expect(page).to_have_url(re.compile(r"/moderation/accounts$"))
    page.get_by_label("Username, display name or email").fill(author.name)
    page.get_by_label("Username, display name or email").press("Enter")
    expect(page).to_have_url(re.compile(r"/moderation/accounts\?q="))
    check_page(page, look, "the accounts list")
    page.get_by_role("link", name=f"@{author.name}").click()
    expect(page.get_by_role("heading", name=f"Account @{author.name}")).to_be_visible()
    expect(post_card(page, text)).to_be_visible()
    expect(
        page.get_by_role("link", name=f"About @{author.name}, by @{reporter.name}")
    ).to_be_visible()
    check_page(page, look, "an account")
    form = page.locator(f"#act-{author_id}-suspend")
    form.get_by_role("button", name="Suspend").click()  # no reason: the browser refuses
    expect(page.locator(".account-states")).not_to_contain_text("Suspended")
    form.get_by_label("Reason").fill("Spam, over and over")
    form.get_by_role("button", name="Suspend").click()
    expect(page.locator(".account-states")).to_contain_text("Suspended")
    expect(page.locator(".audit")).to_contain_text("Spam, over and over")
    expect(page.locator(f"#act-{author_id}-unsuspend")).to_be_visible()

    # Gone for everyone: a visitor, the public timeline, the follower's home.
    visitor = new_context_page()
    visitor.goto(f"/@{author.name}/{sid}")
    expect(visitor.get_by_role("heading", name="Not found")).to_be_visible()
    assert httpx.get(f"{server.url}/@{author.name}/{sid}", timeout=10).status_code == 404
    assert httpx.get(f"{server.url}/api/v1/statuses/{sid}", timeout=10).status_code == 404
    assert sid not in _ids(server, None, "/api/v1/timelines/public?local=true")
    assert sid not in _ids(server, follower.token, "/api/v1/timelines/home")
    reader = new_context_page()
    sign_in(reader, follower.name)
    expect(reader.get_by_role("heading", name="Home", level=1)).to_be_visible()
    expect(post_card(reader, text)).to_have_count(0)
