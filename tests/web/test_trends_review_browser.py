"""In a real browser: a moderator opens the Trends tab of the moderation area and approves
a trending hashtag, then rejects it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from tests.e2e.server import Server
from tests.web.browser import DESKTOP_LIGHT, Look
from tests.web.test_browser import People, api, check_page, people, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e
__all__ = ["people"]  # the module-scoped fixture, shared with test_browser
RANKING_SECONDS = 130  # the server recomputes trends at most every two minutes


@pytest.mark.parametrize("look", [DESKTOP_LIGHT], indirect=True, ids=lambda look: look.name)
def test_approve_then_reject_a_trending_hashtag(
    page: Page, server: Server, people: People, look: Look
) -> None:
    from playwright.sync_api import expect

    mod = people.new("trendmod")
    server.cli("users", "role", mod.name, "moderator")
    for name in ("trendy1", "trendy2"):
        fan = people.new(name)
        api(server, fan.token, "POST", "/api/v1/statuses", status="Look #browsertrend")

    sign_in(page, mod.name)
    page.get_by_role("link", name="Moderation").first.click()
    page.get_by_role("link", name="Trends").click()
    expect(page.get_by_role("heading", name="Hashtags")).to_be_visible()
    row = page.locator(".trend-candidate").filter(has_text="#browsertrend")
    deadline = time.monotonic() + RANKING_SECONDS  # a ranking cached before the posts
    while row.count() == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(2000)
        page.reload()
    expect(row).to_contain_text("Waiting for review")
    check_page(page, look, "trends review")
    row.get_by_role("button", name="Approve").click()
    expect(row).to_contain_text("Approved")
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)
    row.get_by_role("button", name="Reject").click()
    expect(row).to_contain_text("Rejected")
