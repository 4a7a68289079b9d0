"""In a real browser: turn on two-factor sign-in (the secret read from the page, the code
computed as an authenticator app would), then sign in with a code."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pyotp
import pytest

from tests.web.browser import DESKTOP_LIGHT, Look
from tests.web.test_browser import PASSWORD, People, check_page, people, sign_in

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e
__all__ = ["people"]  # the module-scoped fixture, shared with test_browser


@pytest.mark.parametrize("look", [DESKTOP_LIGHT], indirect=True, ids=lambda look: look.name)
def test_enable_two_factor_and_sign_in_with_a_code(
    page: Page, new_context_page: Callable[..., Page], people: People, look: Look
) -> None:
    from playwright.sync_api import expect

    guard = people.new("guard")
    sign_in(page, guard.name)
    page.goto("/settings/security")
    page.get_by_role("button", name="Set up").click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    check_page(page, look, "two-factor setup")
    secret = page.locator("#two-factor-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(totp.at(time.time() - 30))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("status")).to_contain_text("Two-factor authentication is on")
    expect(page.locator("#recovery-codes li")).to_have_count(10)

    other = new_context_page()
    other.goto("/login")
    other.get_by_label("Username or email").fill(guard.name)
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Sign in", exact=True).click()
    code_field = other.get_by_label("Enter the code from your authenticator app")
    expect(code_field).to_be_visible()
    check_page(other, look, "two-factor code")
    code_field.fill("000000" if totp.now() != "000000" else "111111")
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("alert")).to_contain_text("wrong or was already used")
    other.get_by_label("Enter the code from your authenticator app").fill(totp.now())
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("heading", name="Home", level=1)).to_be_visible()
