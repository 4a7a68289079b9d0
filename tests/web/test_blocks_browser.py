"""In a real browser: an admin blocks an email domain and an IP range on the moderation
blocks page, sees a bad address refused with its reason, and lifts a block."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.server import Server
from tests.web.browser import DESKTOP_LIGHT, Look
from tests.web.test_browser import People, check_page, people, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e
__all__ = ["people"]  # the module-scoped fixture, shared with test_browser


@pytest.mark.parametrize("look", [DESKTOP_LIGHT], indirect=True, ids=lambda look: look.name)
def test_block_an_email_domain_and_an_ip_range(
    page: Page, server: Server, people: People, look: Look
) -> None:
    from playwright.sync_api import expect

    admin = people.new("blocker")
    server.cli("users", "role", admin.name, "admin")
    sign_in(page, admin.name)
    page.goto("/moderation/reports")
    page.get_by_role("link", name="Blocks").click()
    expect(page.get_by_role("heading", name="Email domains")).to_be_visible()
    check_page(page, look, "blocks page")

    page.get_by_label("Email domain").fill("spam.example")
    page.get_by_label("Allow sign-ups, but they need approval").check()
    page.get_by_role("button", name="Block email domain").click()
    rows = page.locator("table.blocks-email tbody tr")
    expect(rows.filter(has_text="spam.example")).to_contain_text("Need approval")

    page.get_by_label("Address or range (CIDR)").fill("999.0.0.1")
    page.get_by_role("button", name="Block IP").click()
    expect(page.get_by_role("alert")).to_contain_text("Ip is invalid")
    page.get_by_label("Address or range (CIDR)").fill("198.51.100.0/24")
    page.get_by_label("Rule", exact=True).first.select_option("sign_up_block")
    page.get_by_label("Comment (optional)", exact=True).fill("bots")
    page.get_by_role("button", name="Block IP").click()
    ip_row = page.locator("table.blocks-ip tbody tr").filter(has_text="198.51.100.0/24")
    expect(ip_row).to_contain_text("No sign-ups")
    expect(ip_row).to_contain_text("bots")
    check_page(page, look, "blocks page with blocks")

    page.once("dialog", lambda dialog: dialog.accept())
    ip_row.get_by_role("button", name="Remove").click()
    expect(page.locator("table.blocks-ip tbody")).to_contain_text("None yet.")
