"""Muted words in a real browser: mute a word in settings, and the home timeline leaves out
the posts with it (or folds them, with a button to show them anyway)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import pytest

from tests.e2e.server import Server
from tests.web.browser import DESKTOP_LIGHT, PHONE_DARK, Look
from tests.web.test_browser import People, api, check_page, post_card, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail, in CI) with the reason
    expect = None  # type: ignore[assignment]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def people(server: Server) -> People:
    return People(server)


@pytest.mark.parametrize(
    "look", [DESKTOP_LIGHT, PHONE_DARK], indirect=True, ids=lambda look: look.name
)
def test_mute_a_word_and_its_posts_go(
    page: Page, server: Server, people: People, look: Look
) -> None:
    reader, author = people.new("reader"), people.new("author")
    author_id = api(server, author.token, "GET", "/api/v1/accounts/verify_credentials")["id"]
    api(server, reader.token, "POST", f"/api/v1/accounts/{author_id}/follow")
    word, other = f"durian{secrets.token_hex(2)}", f"okra{secrets.token_hex(2)}"
    api(server, author.token, "POST", "/api/v1/statuses", status=f"I ate a {word} today")
    api(server, author.token, "POST", "/api/v1/statuses", status=f"{other} soup tonight")
    api(server, author.token, "POST", "/api/v1/statuses", status="Just bread")
    sign_in(page, reader.name)
    expect(post_card(page, word)).to_be_visible()

    page.goto("/settings/profile")
    page.get_by_role("link", name="Muted words").click()
    expect(page.get_by_role("heading", name="Mute a word")).to_be_visible()
    page.get_by_label("Word or phrase").fill(word)
    page.get_by_label("Hidden completely").check()
    page.get_by_role("button", name="Mute", exact=True).click()
    expect(page.get_by_text("The word is muted.")).to_be_visible()
    page.get_by_label("Word or phrase").fill(other)
    page.get_by_role("button", name="Mute", exact=True).click()
    expect(page.get_by_role("button", name=f"Unmute {other}")).to_be_visible()
    check_page(page, look, "muted words")

    page.goto("/")
    expect(post_card(page, "Just bread")).to_be_visible()
    expect(post_card(page, word)).to_have_count(0)
    folded = post_card(page, f"Hidden by your filter: {other}")
    expect(folded).to_be_visible()
    expect(folded.get_by_text(f"{other} soup tonight")).to_be_hidden()
    folded.get_by_text("Show anyway").click()
    expect(folded.get_by_text(f"{other} soup tonight")).to_be_visible()
    check_page(page, look, "home with a muted word")
