"""In a real browser: a page of another site embeds a post through the oEmbed snippet, and
the embed sets no cookie, keeps nothing and asks no third origin for anything; and on the
timeline, clicking a post's body opens its thread."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.server import Server
from tests.web.browser import Look
from tests.web.test_browser import People, api, check_page, people, post_card, sign_in, two_looks

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

pytestmark = pytest.mark.e2e
__all__ = ["people"]  # the module-scoped fixture, shared with test_browser


@contextmanager
def news_site(body: str) -> Iterator[str]:
    """Another site: an HTTP server of its own on another port, serving one page that holds
    `body`. Its address names the host `localhost`, where Roost's is `127.0.0.1`, so the
    embed is cross-site as well as cross-origin, as on a real news site."""
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The Daily</title>'
        f"</head><body><main><h1>Local news</h1><p>What people said:</p>{body}</main>"
        "</body></html>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/article":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# What a page keeps in the browser: its cookies, and the lengths of its two storages.
STORED = """() => {
    const length = (name) => { try { return window[name].length; } catch { return 0; } };
    return [document.cookie, length("localStorage"), length("sessionStorage")];
}"""


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@two_looks
def test_another_site_embeds_a_post_without_cookies(
    page: Page, server: Server, people: People, look: Look
) -> None:
    from playwright.sync_api import expect

    author = people.new("embedded")
    words = f"Ferry back on time {secrets.token_hex(3)}"
    status = api(server, author.token, "POST", "/api/v1/statuses", status=words)
    oembed = httpx.get(f"{server.url}/api/oembed", params={"url": status["url"]}, timeout=10)
    assert oembed.status_code == 200, oembed.text
    # Opened on its own, where its storage is its site's, it keeps nothing either.
    page.goto(f"{server.url}/@{author.name}/{status['id']}/embed")
    expect(page.get_by_text(words)).to_be_visible()
    assert page.evaluate(STORED) == ["", 0, 0]
    assert page.context.cookies() == []
    check_page(page, look, "an embedded post")

    requests: list[str] = []

    def seen(request: Request) -> None:
        requests.append(request.url)

    page.on("request", seen)
    with news_site(oembed.json()["html"]) as site:
        page.goto(f"{site}/article")
        frame = page.frame_locator("iframe.mastodon-embed")
        expect(frame.get_by_text(words)).to_be_visible()
        expect(frame.get_by_role("link", name="View on Roost")).to_be_visible()
        # embed.js sized the frame to the post: its whole text shows, nothing is cut.
        iframe = page.locator("iframe.mastodon-embed")
        expect(iframe).to_have_attribute("height", re.compile(r"^[0-9]+$"))
        inner = frame.locator("body")
        page.wait_for_function(
            "([iframe, height]) => Math.abs(iframe.getBoundingClientRect().height - height) <= 2",
            arg=[iframe.element_handle(), inner.evaluate("b => b.getBoundingClientRect().height")],
        )
        # Chromium may refuse a third-party frame its storage altogether; then it is empty.
        assert frame.locator("html").evaluate(STORED) == ["", 0, 0]
        assert page.context.cookies() == []
        origins = {origin(url) for url in requests if not url.startswith("data:")}
        assert origins == {site, server.url}, origins
        assert f"{server.url}/@{author.name}/{status['id']}/embed" in requests
        assert f"{server.url}/static/embed.js" in requests
        # Its links open Roost in a tab of its own, out of the frame.
        with page.expect_popup() as opened:
            frame.get_by_role("link", name="View on Roost").click()
        expect(opened.value).to_have_url(f"{server.url}/@{author.name}/{status['id']}")


@two_looks
def test_clicking_a_posts_body_opens_its_thread(
    page: Page, server: Server, people: People, look: Look
) -> None:
    from playwright.sync_api import expect

    author = people.new("clicker")
    tag = f"tide{secrets.token_hex(3)}"
    first = api(server, author.token, "POST", "/api/v1/statuses", status=f"High water #{tag}")
    api(server, author.token, "POST", "/api/v1/statuses", status="Low water")
    sign_in(page, author.name)

    card = post_card(page, "High water")
    card.locator(".status-content p").click(position={"x": 5, "y": 5})
    expect(page).to_have_url(re.compile(rf"/@{author.name}/{first['id']}$"))
    expect(page.get_by_role("heading", name="Post", level=1)).to_be_visible()
    check_page(page, look, "a thread opened by a click")

    # A link in the body goes where it points, not to the thread.
    page.goto("/")
    post_card(page, "High water").get_by_role("link", name=f"#{tag}").click()
    expect(page).to_have_url(re.compile(rf"/tags/{tag}$"))

    # Without a mouse: the post's time is a link to the same page.
    page.goto("/")
    time_link = post_card(page, "High water").get_by_role("link").filter(has=page.locator("time"))
    time_link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/@{author.name}/{first['id']}$"))


@two_looks
def test_a_posts_page_gives_the_snippet_and_a_preview(
    page: Page, server: Server, people: People, look: Look
) -> None:
    from playwright.sync_api import expect

    author = people.new("sharer")
    status = api(server, author.token, "POST", "/api/v1/statuses", status="Worth sharing")
    sign_in(page, author.name)
    post_card(page, "Worth sharing").get_by_role("link").filter(has=page.locator("time")).click()
    page.get_by_role("link", name="Embed", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/@{author.name}/{status['id']}/embed_code$"))
    snippet = page.get_by_role("textbox", name=re.compile("Paste this code"))
    expect(snippet).to_have_value(
        re.compile(r'^<iframe src="http://.*/embed" class="mastodon-embed"')
    )
    preview = page.frame_locator("iframe.embed-preview")
    expect(preview.get_by_text("Worth sharing")).to_be_visible()
    check_page(page, look, "the embed snippet page")


@two_looks
def test_an_embed_reads_well_without_javascript(
    server: Server, people: People, look: Look, new_context_page: Callable[..., Page]
) -> None:
    from playwright.sync_api import expect

    author = people.new("plain")
    status = api(
        server,
        author.token,
        "POST",
        "/api/v1/statuses",
        status="The score was 3 to 1",
        spoiler_text="Tonight's match",
        poll={"options": ["Fair", "Unfair"], "expires_in": 3600},
    )
    page = new_context_page(java_script_enabled=False)
    page.goto(f"/@{author.name}/{status['id']}/embed")
    expect(page.get_by_text("Tonight's match")).to_be_visible()
    expect(page.get_by_text("The score was 3 to 1")).to_be_hidden()
    page.get_by_text("Show post").click()  # a <details> toggle: no script needed
    expect(page.get_by_text("The score was 3 to 1")).to_be_visible()
    expect(page.get_by_text("Unfair")).to_be_visible()
    expect(page.get_by_role("link", name="View on Roost")).to_be_visible()
    # (axe needs script: the embed is audited with it in the test above.)
