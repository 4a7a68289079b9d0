"""Export → import round trip through the web pages: what one account exports, another
imports, and their follows, blocks, mutes, domain blocks, bookmarks and lists end equal."""

from __future__ import annotations

import re
from typing import Any

import httpx
import sqlalchemy as sa

from roost.graph.tables import account_domain_blocks, blocks, follows, mutes
from roost.instance import Roost
from roost.lists.tables import list_accounts, lists
from roost.statuses.tables import bookmarks
from tests.conftest import MakeUser, User
from tests.web.test_pages import assert_safe_page, sign_in

IMPORT_ORDER = [
    ("follows", "following"),
    ("blocks", "blocking"),
    ("mutes", "muting"),
    ("domain_blocks", "domain_blocking"),
    ("bookmarks", "bookmarks"),
    ("lists", "lists"),
]


async def state_of(roost: Roost, account_id: int) -> dict[str, Any]:
    db = roost.db

    async def rows(stmt: Any) -> set[tuple[Any, ...]]:
        return {tuple(r) for r in await db.fetch_all(stmt)}

    return {
        "follows": await rows(
            sa.select(follows.c.target_account_id, follows.c.show_reblogs, follows.c.notify).where(
                follows.c.account_id == account_id
            )
        ),
        "blocks": await rows(
            sa.select(blocks.c.target_account_id).where(blocks.c.account_id == account_id)
        ),
        "mutes": await rows(
            sa.select(mutes.c.target_account_id, mutes.c.hide_notifications).where(
                mutes.c.account_id == account_id
            )
        ),
        "domain_blocks": await rows(
            sa.select(account_domain_blocks.c.domain).where(
                account_domain_blocks.c.account_id == account_id
            )
        ),
        "bookmarks": await rows(
            sa.select(bookmarks.c.status_id).where(bookmarks.c.account_id == account_id)
        ),
        "lists": await rows(
            sa.select(lists.c.title, list_accounts.c.account_id)
            .select_from(lists.outerjoin(list_accounts, list_accounts.c.list_id == lists.c.id))
            .where(lists.c.account_id == account_id)
        ),
    }


async def upload(
    client: httpx.AsyncClient, token: str, kind: str, data: bytes, mode: str = "merge"
) -> httpx.Response:
    return await client.post(
        "/settings/import",
        data={"csrf_token": token, "type": kind, "mode": mode},
        files={"data": (f"{kind}.csv", data, "text/csv")},
    )


async def test_export_then_import_into_another_account(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, alice: User, bob: User,
    carol: User,
) -> None:  # fmt: skip
    dave, erin, frank = await make_user("dave"), await make_user("erin"), await make_user("frank")
    a = alice.auth
    await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=a,
                      json={"reblogs": False, "notify": True})  # fmt: skip
    await client.post(f"/api/v1/accounts/{carol.id}/follow", headers=a)
    await client.post(f"/api/v1/accounts/{dave.id}/block", headers=a)
    await client.post(f"/api/v1/accounts/{erin.id}/mute", headers=a, json={"notifications": False})
    await client.post("/api/v1/domain_blocks", headers=a, json={"domain": "spam.example"})
    post = (await client.post("/api/v1/statuses", headers=bob.auth, json={"status": "hi"})).json()
    await client.post(f"/api/v1/statuses/{post['id']}/bookmark", headers=a)
    made = (await client.post("/api/v1/lists", headers=a, json={"title": "Friends, close"})).json()
    await client.post(f"/api/v1/lists/{made['id']}/accounts", headers=a,
                      json={"account_ids": [bob.sid, carol.sid]})  # fmt: skip
    await client.post("/api/v1/lists", headers=a, json={"title": "Empty"})

    await sign_in(client, alice)
    page = await client.get("/settings/export")
    assert_safe_page(page)
    assert re.search(r"Follows</th>\s*<td class=\"export-count\">2</td>", page.text)
    files = {}
    for kind, _ in IMPORT_ORDER:
        r = await client.get(f"/settings/exports/{kind}.csv")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/csv")
        files[kind] = r.content
    assert files["follows"].decode().splitlines() == [
        "Account address,Show boosts,Notify on new posts,Languages",
        "carol@testserver,true,false,",
        "bob@testserver,false,true,",
    ]
    assert files["mutes"].decode().splitlines() == [
        "Account address,Hide notifications",
        "erin@testserver,false",
    ]
    assert files["blocks"].decode() == "dave@testserver\n"
    assert files["domain_blocks"].decode() == "spam.example\n"
    assert files["bookmarks"].decode() == f"http://testserver/users/bob/statuses/{post['id']}\n"
    assert sorted(files["lists"].decode().splitlines()) == [
        '"Friends, close",bob@testserver',
        '"Friends, close",carol@testserver',
    ]

    token = await sign_in(client, frank)
    for kind, import_type in IMPORT_ORDER:
        r = await upload(client, token, import_type, files[kind])
        assert r.status_code == 303, r.text
        progress = await client.get(r.headers["location"])
        assert_safe_page(progress)
        assert "Finished" in progress.text, progress.text
    mine, theirs = await state_of(roost, alice.id), await state_of(roost, frank.id)
    theirs_lists = theirs.pop("lists")
    mine_lists = mine.pop("lists")
    assert theirs == mine
    # The empty list has no row in the CSV (as in Mastodon's): only lists with members travel.
    assert theirs_lists == {t for t in mine_lists if t[0] != "Empty"}

    # Importing the same files again changes nothing.
    for kind, import_type in IMPORT_ORDER:
        assert (await upload(client, token, import_type, files[kind])).status_code == 303
    again = await state_of(roost, frank.id)
    assert again.pop("lists") == theirs_lists
    assert again == theirs
    page = await client.get("/settings/import")
    assert page.text.count('class="import"') == 12


async def test_overwrite_replaces_and_failures_are_listed(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User
) -> None:
    await client.post(f"/api/v1/accounts/{carol.id}/follow", headers=alice.auth)
    token = await sign_in(client, alice)
    data = (
        b"Account address,Show boosts,Notify on new posts,Languages\n"
        b"@bob@testserver,true,false,\n"
        b"ghost@testserver,true,false,\n"
        b"someone@mastodon.social,true,false,\n"
        b"not an address,true,false,\n"
    )
    r = await upload(client, token, "following", data, mode="overwrite")
    assert r.status_code == 303
    page = await client.get(r.headers["location"])
    assert "4 of 4 rows, 1 imported, 3 failed" in page.text
    assert "ghost@testserver" in page.text
    assert "No such account on this server" in page.text
    assert "someone@mastodon.social" in page.text
    assert "federation is not supported" in page.text
    followed = await roost.db.scalars(
        sa.select(follows.c.target_account_id).where(follows.c.account_id == alice.id)
    )
    assert followed == [bob.id]  # carol was not in the file

    await sign_in(client, bob)
    assert (await client.get(r.headers["location"])).status_code == 404
