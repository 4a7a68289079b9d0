"""Real-browser fixtures: a `roost serve` process, headless Debian Chromium through
Playwright, and a fresh browser context per test in each look (desktop/phone x light/dark).
The tests are plain `def` functions: Playwright's sync API runs its own event loop and
cannot run inside pytest-asyncio's. While it is started, that loop counts as the thread's
running loop, so Playwright lives for one module at a time (module-scoped fixtures): a
session-scoped one would break every async test that runs after the browser tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.server import Server, roost_server
from tests.web.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LOOKS,
    Look,
    new_page,
    require_browser,
    watch_for_script_errors,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One `roost serve` for the browser tests; each test makes accounts of its own."""
    require_browser()
    with roost_server(
        tmp_path_factory.mktemp("web"),
        ROOST_RATE_LIMIT_PER_5MIN="100000",
        ROOST_TITLE="Roost",
    ) as s:
        yield s


@pytest.fixture(params=LOOKS, ids=[look.name for look in LOOKS])
def look(request: pytest.FixtureRequest) -> Look:
    result: Look = request.param
    return result


@pytest.fixture
def page(browser: Browser, server: Server, look: Look) -> Iterator[Page]:
    """A page on the server in a fresh browser context; closed (with its context) after.
    An uncaught script error or a CSP violation fails the test."""
    page = new_page(browser, look, base_url=server.url)
    errors = watch_for_script_errors(page)
    yield page
    page.context.close()
    assert not errors, "the page had script errors:\n" + "\n".join(errors)


@pytest.fixture
def new_context_page(browser: Browser, server: Server, look: Look) -> Iterator[Callable[..., Page]]:
    """Open more pages, each in a fresh context (another person, or another language:
    `new_context_page(locale="fr-FR")`), all closed after."""
    opened: list[Page] = []

    def make(**options: Any) -> Page:
        p = new_page(browser, look, base_url=server.url, **options)
        opened.append(p)
        return p

    yield make
    for p in opened:
        p.context.close()
