"""Quoting on the web: a Quote button where quoting is allowed, the compose page with the
quoted post above the box, and the quoted post inside the quote (or why it is not)."""

from __future__ import annotations

import httpx

from tests.conftest import User
from tests.web.test_pages import assert_safe_page, post, sign_in


async def test_quote_a_post_from_the_web(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    r = await client.post("/api/v1/statuses", json={"status": "Quote me"}, headers=alice.auth)
    sid = r.json()["id"]
    closed = await client.post(
        "/api/v1/statuses",
        json={"status": "Not this one", "quote_approval_policy": "nobody"},
        headers=alice.auth,
    )
    token = await sign_in(client, bob)
    page = await client.get("/@alice")
    assert f'href="/compose?quote={sid}"' in page.text
    assert f"/compose?quote={closed.json()['id']}" not in page.text
    compose = await client.get(f"/compose?quote={sid}")
    assert_safe_page(compose)
    assert f'name="quoted_status_id" value="{sid}"' in compose.text
    assert "Quote me" in compose.text
    quote_id = await post(client, token, "So true", quoted_status_id=sid)
    page = await client.get(f"/@bob/{quote_id}")
    assert 'class="quote-card"' in page.text
    assert "Quote me" in page.text
    # A post whose author allows no quotes: refused, with the text kept.
    r = await client.post(
        "/statuses",
        data={"csrf_token": token, "status": "Sneaky", "quoted_status_id": closed.json()["id"]},
    )
    assert r.status_code == 422
    assert "cannot be quoted" in r.text
    assert ">Sneaky</textarea>" in r.text
    await client.delete(f"/api/v1/statuses/{sid}", headers=alice.auth)
    page = await client.get(f"/@bob/{quote_id}")
    assert "The quoted post was deleted." in page.text
