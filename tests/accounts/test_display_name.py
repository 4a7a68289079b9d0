"""Display names are stored without bidirectional or invisible controls (issue 12, item 11)."""

from __future__ import annotations

import httpx

from tests.conftest import MakeUser, User

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"


async def test_update_credentials_cleans_display_name(
    client: httpx.AsyncClient, alice: User
) -> None:
    r = await client.patch(
        "/api/v1/accounts/update_credentials",
        headers=alice.auth,
        data={"display_name": f"Alice \u202egpj.exe\u200b {FAMILY}"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["display_name"] == f"Alice gpj.exe {FAMILY}"
    r = await client.get(f"/api/v1/accounts/{alice.sid}")
    assert r.json()["display_name"] == f"Alice gpj.exe {FAMILY}"


async def test_new_account_display_name_is_cleaned(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    dave = await make_user("dave", display_name="\u2067Dave\u2069\u202e")
    r = await client.get(f"/api/v1/accounts/{dave.sid}")
    assert r.status_code == 200, r.text
    assert r.json()["display_name"] == "Dave"
