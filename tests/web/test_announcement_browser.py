"""In a real browser: an admin publishes an announcement; someone sees it at the top of
home, reacts to it and dismisses it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.e2e.server import Server
from tests.web.browser import Look
from tests.web.test_browser import People, check_page, people, sign_in, two_looks

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e
__all__ = ["people"]  # the module-scoped fixture, shared with test_browser


@two_looks
def test_an_admin_announces_and_a_user_dismisses(
    page: Page,
    new_context_page: Callable[..., Page],
    server: Server,
    people: People,
    look: Look,
) -> None:
    from playwright.sync_api import expect

    admin = people.new("boss")
    server.cli("users", "role", admin.name, "admin")
    text = f"Picnic on Sunday {secrets.token_hex(3)}"
    sign_in(page, admin.name)
    page.goto("/admin/announcements")
    check_page(page, look, "announcements admin")
    page.get_by_label("Text").fill(text)
    page.get_by_role("button", name="Save announcement").click()
    expect(page.get_by_role("region", name="Announcements").get_by_text(text)).to_be_visible()

    reader = new_context_page()
    sign_in(reader, people.new("reader").name)
    notice = reader.get_by_role("article").filter(has_text=text)
    expect(notice).to_be_visible()
    check_page(reader, look, "home with an announcement")
    notice.get_by_role("button", name="React with 🎉").click()
    notice = reader.get_by_role("article").filter(has_text=text)
    expect(notice.get_by_role("button", name="🎉, 1 reactions")).to_have_attribute(
        "aria-pressed", "true"
    )
    notice.get_by_role("button", name="Dismiss").click()
    expect(reader.get_by_role("heading", name="Home", level=1)).to_be_visible()
    expect(reader.get_by_text(text)).to_have_count(0)
    reader.get_by_role("link", name="Privacy policy").click()
    expect(reader.get_by_role("heading", name="Privacy policy", level=1)).to_be_visible()
    check_page(reader, look, "privacy policy")
    reader.goto("/about")
    check_page(reader, look, "about")
