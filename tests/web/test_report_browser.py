"""In a real browser: a user reports a post from its actions; a moderator finds it in the
queue and resolves it with a note."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.server import Server
from tests.web.browser import DESKTOP_LIGHT, Look
from tests.web.test_browser import People, api, check_page, people, post_card, sign_in

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e
__all__ = ["people"]  # the module-scoped fixture, shared with test_browser


@pytest.mark.parametrize("look", [DESKTOP_LIGHT], indirect=True, ids=lambda look: look.name)
def test_report_a_post_and_resolve_it(
    page: Page, new_context_page: Callable[..., Page], server: Server, people: People,
    look: Look,
) -> None:  # fmt: skip
    from playwright.sync_api import expect

    author, reporter, mod = people.new("rude"), people.new("reporter"), people.new("mod")
    server.cli("users", "role", mod.name, "moderator")
    found = api(server, author.token, "POST", "/api/v1/statuses", status="A very rude post")

    sign_in(page, reporter.name)
    page.goto(f"/@{author.name}/{found['id']}")
    post_card(page, "A very rude post").get_by_role("link", name="Report").click()
    expect(page.get_by_role("heading", name=f"Report @{author.name}")).to_be_visible()
    check_page(page, look, "report form")
    page.get_by_label("It is spam").check()
    page.get_by_label("Anything else the moderators should know?").fill("Spam, again")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text("The moderators have your report")

    staff = new_context_page()
    sign_in(staff, mod.name)
    staff.get_by_role("link", name="Moderation").first.click()
    expect(staff).to_have_url(re.compile(r"/moderation/reports$"))
    staff.get_by_role("link", name=f"@{author.name}, reported by @{reporter.name}").click()
    expect(staff.get_by_text("Spam, again")).to_be_visible()
    expect(post_card(staff, "A very rude post")).to_be_visible()
    check_page(staff, look, "a report")
    staff.get_by_role("textbox", name="Note (why)").last.fill("Warned them")
    staff.get_by_role("button", name="Resolve").click()
    expect(staff.locator(".report-state")).to_have_text(f"Resolved by @{mod.name}")
    expect(staff.get_by_text("Warned them")).to_be_visible()
