"""In a real browser: search for a word from the box on every page, and open a result."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING

import pytest

from tests.e2e.server import Server
from tests.web.browser import Look
from tests.web.test_browser import People, api, check_page, people, post_card, sign_in, two_looks

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e
__all__ = ["people"]  # the module-scoped fixture, shared with test_browser


@two_looks
def test_search_for_a_word_and_open_a_result(
    page: Page, server: Server, people: People, look: Look
) -> None:
    from playwright.sync_api import expect

    author = people.new("searched")
    word = f"zephyr{secrets.token_hex(3)}"
    found = api(server, author.token, "POST", "/api/v1/statuses", status=f"A {word} over the bay")
    api(server, author.token, "POST", "/api/v1/statuses", status="Nothing to see here")
    sign_in(page, people.new("seeker").name)
    page.get_by_role("searchbox", name="Search posts, people and hashtags").fill(word)
    page.get_by_role("searchbox", name="Search posts, people and hashtags").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    results = page.get_by_role("region", name="Search results")
    card = post_card(results, f"A {word} over the bay")
    expect(card).to_be_visible()
    expect(results.get_by_text("Nothing to see here")).to_have_count(0)
    check_page(page, look, "search results")
    card.get_by_role("link").filter(has=page.locator("time")).click()
    expect(page).to_have_url(re.compile(rf"/@{author.name}/{found['id']}$"))
