"""In a real browser: export one's follows from Settings → Export, import the file into
another account from Settings → Import, and watch the import's progress finish."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.server import Server
from tests.web.browser import DESKTOP_LIGHT, PHONE_DARK, Look
from tests.web.test_browser import People, api, check_page, people, sign_in

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e
__all__ = ["people"]  # the module-scoped fixture, shared with test_browser


@pytest.mark.parametrize(
    "look", [DESKTOP_LIGHT, PHONE_DARK], indirect=True, ids=lambda look: look.name
)
def test_export_follows_and_import_them_elsewhere(
    page: Page, new_context_page: Callable[..., Page], server: Server, people: People,
    look: Look, tmp_path: Path,
) -> None:  # fmt: skip
    from playwright.sync_api import expect

    me, other, a, b = people.new("mover"), people.new("newme"), people.new("pal"), people.new("pal")
    for friend in (a, b):
        found = api(server, friend.token, "GET", "/api/v1/accounts/verify_credentials")
        api(server, me.token, "POST", f"/api/v1/accounts/{found['id']}/follow")

    sign_in(page, me.name)
    page.goto("/settings/profile")
    page.get_by_role("link", name="Export", exact=True).click()
    expect(page.get_by_role("heading", name="Export your data")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^Follows 2"))).to_be_visible()
    check_page(page, look, "export")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Follows (CSV)").click()
    saved = tmp_path / "follows.csv"
    download.value.save_as(saved)
    lines = saved.read_text().splitlines()
    assert lines[0] == "Account address,Show boosts,Notify on new posts,Languages"
    assert len(lines) == 3

    there = new_context_page()
    sign_in(there, other.name)
    there.goto("/settings/profile")
    there.get_by_role("link", name="Import", exact=True).click()
    expect(there.get_by_role("heading", name="Import data")).to_be_visible()
    check_page(there, look, "import")
    there.get_by_label("Import type").select_option("following")
    there.get_by_label("CSV file", exact=True).set_input_files(saved)
    there.get_by_role("button", name="Upload").click()
    expect(there.get_by_role("status")).to_have_text(
        "Finished: 2 of 2 rows, 2 imported, 0 failed.", timeout=20_000
    )
    check_page(there, look, "import progress")
    mine = api(server, other.token, "GET", "/api/v1/accounts/verify_credentials")
    assert mine["following_count"] == 2
