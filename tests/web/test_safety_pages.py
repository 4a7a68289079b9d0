"""Block and mute from a profile page, as Mastodon's apps offer them beside Report."""

from __future__ import annotations

import httpx

from tests.conftest import User
from tests.web.test_pages import sign_in


async def _relationship(client: httpx.AsyncClient, me: User, other: User) -> dict[str, bool]:
    r = await client.get(f"/api/v1/accounts/relationships?id[]={other.sid}", headers=me.auth)
    assert r.status_code == 200, r.text
    return dict(r.json()[0])


async def test_mute_and_block_from_a_profile(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    token = await sign_in(client, alice)
    r = await client.post("/@bob/follow", data={"csrf_token": token})
    assert r.status_code == 303
    page = await client.get("/@bob")
    assert 'action="/@bob/mute"' in page.text
    assert 'action="/@bob/block"' in page.text
    assert "Block @bob? You stop following each other" in page.text  # asked first

    r = await client.post("/@bob/mute", data={"csrf_token": token, "next": "/@bob/media"})
    assert r.status_code == 303
    assert r.headers["location"] == "/@bob/media"
    assert (await _relationship(client, alice, bob))["muting"] is True
    assert 'action="/@bob/unmute"' in (await client.get("/@bob")).text
    await client.post("/@bob/unmute", data={"csrf_token": token})
    assert (await _relationship(client, alice, bob))["muting"] is False

    r = await client.post("/@bob/block", data={"csrf_token": token})
    assert r.status_code == 303
    assert r.headers["location"] == "/@bob"
    found = await _relationship(client, alice, bob)
    assert found["blocking"] is True
    assert found["following"] is False
    page = await client.get("/@bob")
    assert 'action="/@bob/unblock"' in page.text
    assert 'action="/@bob/block"' not in page.text
    await client.post("/@bob/unblock", data={"csrf_token": token})
    assert (await _relationship(client, alice, bob))["blocking"] is False


async def test_no_buttons_on_ones_own_profile_or_signed_out(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    assert 'action="/@bob/block"' not in (await client.get("/@bob")).text
    token = await sign_in(client, alice)
    assert 'action="/@alice/block"' not in (await client.get("/@alice")).text
    assert (await client.post("/@alice/block", data={"csrf_token": token})).status_code in (
        403,
        422,
    )
    assert (await client.post("/@nobody/mute", data={"csrf_token": token})).status_code == 404
    assert (await client.post("/@bob/block", data={})).status_code == 403  # no CSRF token
