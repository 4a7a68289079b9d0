"""Lists on the web: make one, add and remove people one follows, read it, change and
delete it; another's list is not there."""

from __future__ import annotations

import re

import httpx

from tests.conftest import User
from tests.web.test_pages import assert_safe_page, sign_in


async def test_a_list_from_start_to_end(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.auth)
    await client.post("/api/v1/statuses", json={"status": "Bob's news"}, headers=bob.auth)
    await client.post("/api/v1/statuses", json={"status": "Carol's news"}, headers=carol.auth)
    token = await sign_in(client, alice)
    page = await client.get("/lists")
    assert_safe_page(page)
    assert "No lists yet." in page.text
    r = await client.post("/lists", data={"csrf_token": token, "title": "News"})
    assert r.status_code == 303
    where = r.headers["location"]
    list_id = where.rsplit("/", 1)[1]
    r = await client.post(f"{where}/add", data={"csrf_token": token, "username": "carol"})
    assert r.status_code == 422
    assert "people you follow" in r.text
    r = await client.post(f"{where}/add", data={"csrf_token": token, "username": "@bob"})
    assert r.status_code == 303
    page = await client.get(where)
    assert_safe_page(page)
    assert "Bob&#39;s news" in page.text or "Bob's news" in page.text
    assert "Carol" not in page.text
    assert re.search(r'<li class="member">.*?@bob', page.text, re.S)
    r = await client.post(
        f"{where}/settings",
        data={"csrf_token": token, "title": "Bob only", "replies_policy": "none"},
    )
    assert r.status_code == 303
    assert "Bob only" in (await client.get("/lists")).text
    assert (
        'id="list-exclusive" name="exclusive" type="checkbox" value="1" '
        in (await client.get(where)).text
    )
    r = await client.post(
        f"{where}/settings",
        data={"csrf_token": token, "title": "Bob only", "replies_policy": "none", "exclusive": "1"},
    )
    assert r.status_code == 303
    assert 'value="1" checked' in (await client.get(where)).text
    home = await client.get("/")
    assert "Bob&#39;s news" not in home.text
    assert "Bob's news" not in home.text
    r = await client.post(f"{where}/remove", data={"csrf_token": token, "account_id": str(bob.id)})
    assert "Nobody in this list yet." in (await client.get(where)).text
    await sign_in(client, carol)
    assert (await client.get(where)).status_code == 404
    await sign_in(client, alice)
    r = await client.post(f"/lists/{list_id}/delete", data={"csrf_token": token})
    assert r.headers["location"] == "/lists"
    assert (await client.get(where)).status_code == 404
