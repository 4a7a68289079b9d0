"""The search page: posts, people and hashtags tabs, paging, and a readable message for
an operator it cannot use."""

from __future__ import annotations

import httpx

from tests.conftest import User
from tests.web.test_pages import assert_safe_page, sign_in


async def test_search_tabs_and_a_bad_operator(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    for n in range(3):
        await client.post("/api/v1/statuses", json={"status": f"Otters #otters number {n}"},
                          headers=bob.auth)  # fmt: skip
    page = await client.get("/")
    assert 'action="/search"' in page.text  # the box on every page
    await sign_in(client, alice)
    page = await client.get("/search", params={"q": "otters"})
    assert_safe_page(page)
    assert page.text.count('class="status') >= 3
    assert 'aria-current="page">Posts' in page.text
    page = await client.get("/search", params={"q": "bo", "type": "people"})
    assert_safe_page(page)
    assert "@bob" in page.text
    page = await client.get("/search", params={"q": "#ott", "type": "hashtags"})
    assert 'href="/tags/otters"' in page.text
    page = await client.get("/search", params={"q": "otters before:someday"})
    assert page.status_code == 422
    assert "before: wants a date" in page.text
    page = await client.get("/search", params={"q": "nothinglikethis"})
    assert "Nothing found for" in page.text


async def test_opting_out_of_search_in_settings(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    await client.post("/api/v1/statuses", json={"status": "Quiet walrus"}, headers=bob.auth)
    token = await sign_in(client, bob)
    page = await client.get("/settings/profile")
    assert 'id="indexable" name="indexable" type="checkbox" value="1" checked' in page.text
    form = {"csrf_token": token, "display_name": "Bob", "discoverable": "1"}
    r = await client.post("/settings/profile", data=form)
    assert r.status_code == 303
    me = (await client.get("/api/v1/accounts/verify_credentials", headers=bob.auth)).json()
    assert (me["indexable"], me["discoverable"]) == (False, True)
    await sign_in(client, alice)
    assert "Nothing found for" in (await client.get("/search", params={"q": "walrus"})).text
