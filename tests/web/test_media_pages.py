"""Attaching pictures in the browser's compose box: upload with a progress bar, alt text,
remove one before posting, post; the post (read back through the API) has the picture
with its alt text, and the timeline shows it and opens it in the viewer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.e2e.server import Server
from tests.media.conftest import png
from tests.web.browser import DESKTOP_LIGHT, PHONE_DARK, Look
from tests.web.test_browser import People, check_page, compose_box, post_card, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import FilePayload, Page, Response

pytest.importorskip("playwright")
from playwright.sync_api import expect  # after the skip above

two_looks = pytest.mark.parametrize(
    "look", [DESKTOP_LIGHT, PHONE_DARK], indirect=True, ids=lambda look: look.name
)


@pytest.fixture(scope="module")
def people(server: Server) -> People:
    return People(server)


def _file(name: str, size: tuple[int, int]) -> FilePayload:
    return {"name": name, "mimeType": "image/png", "buffer": png(size, mode="RGB")}


@two_looks
def test_attach_an_image_with_alt_text_and_post_it(
    page: Page, server: Server, people: People, look: Look
) -> None:
    me = people.new("pictures")
    sign_in(page, me.name)
    add = page.get_by_role("button", name="Add images or a video").first
    expect(add).to_be_visible()
    expect(page.locator("[data-compose-media][data-ready]")).to_have_count(1)
    files = [_file("kept.png", (300, 200)), _file("dropped.png", (120, 120))]
    answers: list[Response] = []
    page.on("response", lambda r: answers.append(r) if r.url.endswith("/uploads") else None)
    page.locator("#compose-media-file").set_input_files(files)
    alts = page.get_by_role("textbox", name="Alt text")
    try:
        expect(alts).to_have_count(2, timeout=20_000)
    except AssertionError as exc:
        raise AssertionError(_why_no_upload(page, server, answers)) from exc
    alts.first.fill("A green rectangle")
    check_page(page, look, "compose box with two attachments")
    page.get_by_role("button", name="Remove").nth(1).click()
    expect(alts).to_have_count(1)

    text = f"A picture {look.name}"
    compose_box(page).fill(text)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(post_card(page, text)).to_be_visible()

    statuses = httpx.get(
        f"{server.url}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {me.token}"},
        timeout=10,
    ).json()
    mine = httpx.get(
        f"{server.url}/api/v1/accounts/{statuses['id']}/statuses",
        headers={"Authorization": f"Bearer {me.token}"},
        timeout=10,
    ).json()
    posted = next(s for s in mine if text in s["content"])
    media = posted["media_attachments"]
    assert len(media) == 1
    assert media[0]["type"] == "image"
    assert media[0]["description"] == "A green rectangle"
    assert re.search(r"/media/media_attachments/\d+/", media[0]["url"])
    assert media[0]["meta"]["original"]["size"] == "300x200"

    # In the timeline: the picture with its alt text; clicking it opens the full picture
    # in the viewer, which Escape closes.
    card = post_card(page, text)
    picture = card.get_by_role("img", name="A green rectangle")
    expect(picture).to_be_visible()
    picture.click()
    viewer = page.locator("dialog.media-viewer")
    expect(viewer).to_be_visible()
    expect(viewer.get_by_role("img", name="A green rectangle")).to_have_attribute(
        "src", media[0]["url"]
    )
    check_page(page, look, "the picture viewer")
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()


def _why_no_upload(page: Page, server: Server, answers: list[Response]) -> str:
    """What the page and the server said when an upload did not show up."""
    said = [f"{r.status} {r.text()}" for r in answers]
    error = page.locator("[data-media-error]").first.text_content()
    log = Path(server.env["ROOST_DATA_DIR"]).parent / "server.log"
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
    return f"uploads answered {said}; the page says {error!r}; the server's log ends:\n{tail}"


@pytest.mark.parametrize("look", [DESKTOP_LIGHT], indirect=True, ids=lambda look: look.name)
def test_a_file_that_is_no_image_says_why(page: Page, people: People, look: Look) -> None:
    sign_in(page, people.new("notimage").name)
    expect(page.locator("[data-compose-media][data-ready]")).to_have_count(1)
    not_an_image: FilePayload = {"name": "page.png", "mimeType": "image/png",
                                 "buffer": b"<html></html>"}  # fmt: skip
    page.locator("#compose-media-file").set_input_files([not_an_image])
    expect(page.get_by_role("alert")).to_contain_text("could not be verified")
    expect(page.get_by_role("textbox", name="Alt text")).to_have_count(0)
