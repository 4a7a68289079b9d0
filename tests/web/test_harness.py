"""The browser harness itself: Chromium runs, the page's CSP is in force, and the axe audit
finds real problems (so a clean audit of Roost's pages means something)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.web.browser import DESKTOP_LIGHT, assert_accessible, audit, new_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

pytestmark = pytest.mark.e2e
ORIGIN = "http://harness.test"
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'"
GOOD = """<!doctype html><html lang="en"><head><title>Good</title></head>
<body><main><h1>Hello</h1><img src="data:," alt="A dot"><button>Send</button>
<script>document.title = "inline ran"</script></main></body></html>"""
BAD = """<!doctype html><html><head><title>Bad</title></head>
<body><img src="data:,"><button></button><input type="text"></body></html>"""


def _serve(page: Page, html: str) -> None:
    def fulfil(route: Route) -> None:
        route.fulfill(body=html, content_type="text/html", headers={"Content-Security-Policy": CSP})

    page.route(f"{ORIGIN}/**", fulfil)
    page.goto(f"{ORIGIN}/")


@pytest.fixture
def plain_page(browser: Browser) -> Iterator[Page]:
    page = new_page(browser, DESKTOP_LIGHT)
    yield page
    page.context.close()


def test_the_pages_csp_is_in_force(plain_page: Page) -> None:
    _serve(plain_page, GOOD)
    assert plain_page.title() == "Good"  # the inline script was blocked


def test_audit_passes_a_good_page_under_csp(plain_page: Page) -> None:
    _serve(plain_page, GOOD)
    assert audit(plain_page) == []
    assert_accessible(plain_page)


def test_audit_finds_serious_problems(plain_page: Page) -> None:
    _serve(plain_page, BAD)
    found = {v["id"]: v["impact"] for v in audit(plain_page)}
    assert found["image-alt"] == "critical"
    assert found["button-name"] == "critical"
    assert found["label"] == "critical"
    assert "html-has-lang" in found
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(plain_page)
