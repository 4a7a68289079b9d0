"""The moderation dashboard's account pages, through HTTP: the accounts list, one
account's page and its actions, the pending sign-ups, and the account actions on a report
(the browser test is in tests/web/test_moderation_browser.py)."""

from __future__ import annotations

import re

import httpx
import pytest

from roost.instance import Roost
from roost.moderation.audit import access_audit_log
from roost.moderation.staff import Staff
from roost.web.views import moderation_accounts
from tests.conftest import MakeUser, User
from tests.web.test_pages import assert_safe_page, sign_in

PAGES = ("/moderation/accounts", "/moderation/pending")


async def _history(roost: Roost, account_id: int) -> list[str]:
    entries = await access_audit_log(roost.db, Staff(None, "owner"), target=("Account", account_id))
    return [e.action for e in entries]


def _listed(r: httpx.Response) -> list[str]:
    return re.findall(r'data-username="(\w+)"', r.text)


async def _act(
    client: httpx.AsyncClient, token: str, account_id: int, action: str, **data: str
) -> httpx.Response:
    return await client.post(
        f"/moderation/accounts/{account_id}/{action}", data={"csrf_token": token, **data}
    )


async def test_only_staff_who_manage_users_see_the_pages(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User
) -> None:
    for path in [*PAGES, f"/moderation/accounts/{bob.id}"]:
        r = await client.get(path)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login"), path
    token = await sign_in(client, alice)
    for path in [*PAGES, f"/moderation/accounts/{bob.id}"]:
        r = await client.get(path)
        assert r.status_code == 403, path
        assert "This action is not allowed" in r.text
    r = await _act(client, token, bob.id, "suspend", reason="no")
    assert r.status_code == 403
    assert "This action is not allowed" in r.text
    assert await _history(roost, bob.id) == []
    assert "/moderation/accounts" not in (await client.get("/")).text


async def test_the_accounts_list_searches_and_filters(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, moderator: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    await make_user("robin", display_name="Robin Hood")
    await make_user("wren", approved=False, reason="I love birds")
    await make_user("jay")
    await sign_in(client, moderator)
    r = await client.get("/moderation/accounts")
    assert_safe_page(r)
    assert 'href="/moderation/accounts"' in r.text  # the nav link
    names = _listed(r)
    assert names == ["jay", "wren", "robin", "mod"]  # newest first
    assert "jay@example.com" in r.text
    everyone = ["jay", "wren", "robin", "mod"]
    for query, expected in [("q=hood", ["robin"]), ("q=JAY%40example", ["jay"]),
                            ("q=%40wren", ["wren"]), ("state=pending", ["wren"]),
                            ("state=staff", ["mod"]), ("state=suspended", []),
                            ("q=%25", []), ("state=nonsense", everyone)]:  # fmt: skip
        r = await client.get(f"/moderation/accounts?{query}")
        assert r.status_code == 200, query
        assert _listed(r) == expected, query
    assert "No accounts found." in (await client.get("/moderation/accounts?q=zzz")).text

    monkeypatch.setattr(moderation_accounts, "PAGE_SIZE", 2)
    r = await client.get("/moderation/accounts")
    assert _listed(r) == ["jay", "wren"]
    older = re.search(r'href="(/moderation/accounts\?[^"]+)" rel="next"', r.text)
    assert older is not None
    r = await client.get(older.group(1).replace("&amp;", "&"))
    assert _listed(r) == ["robin", "mod"]


async def test_the_list_and_the_account_page_run_a_fixed_number_of_queries(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, moderator: User,
    alice: User,
) -> None:  # fmt: skip
    roost.tokens.ttl = 3600  # the session's token lookup is cached; count the page itself
    await sign_in(client, moderator)

    async def add(i: int) -> None:
        other = await make_user(f"user{i}")
        await client.post("/api/v1/statuses", data={"status": f"post {i}"}, headers=alice.auth)
        await client.post(
            "/api/v1/reports", data={"account_id": alice.sid, "comment": "hm"},
            headers=other.auth,
        )  # fmt: skip

    async def count(path: str) -> int:
        """Queries for one page, with the rendered-status cache empty."""
        await client.get(path)
        await roost.cache.clear()
        before = roost.db.query_count
        r = await client.get(path)
        assert r.status_code == 200
        return roost.db.query_count - before

    await add(0)
    few_list = await count("/moderation/accounts")
    few_page = await count(f"/moderation/accounts/{alice.id}")
    await client.post(
        f"/moderation/accounts/{alice.id}/warn",
        data={"csrf_token": await sign_in(client, moderator), "reason": "careful"},
    )
    for i in range(1, 7):
        await add(i)
    assert await count("/moderation/accounts") == few_list
    assert await count(f"/moderation/accounts/{alice.id}") == few_page


async def test_the_account_page_shows_the_account(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, moderator: User
) -> None:
    await client.post("/api/v1/statuses", data={"status": "bobs first post"}, headers=bob.auth)
    await client.post(
        "/api/v1/statuses", data={"status": "bobs secret post", "visibility": "private"},
        headers=bob.auth,
    )  # fmt: skip
    await client.post(
        "/api/v1/statuses", data={"status": "@alice a letter", "visibility": "direct"},
        headers=bob.auth,
    )  # fmt: skip
    await client.post(
        "/api/v1/reports", data={"account_id": bob.sid, "comment": "about bob"},
        headers=alice.auth,
    )  # fmt: skip
    await client.post(
        "/api/v1/reports", data={"account_id": alice.sid, "comment": "by bob"}, headers=bob.auth
    )
    await sign_in(client, moderator)
    page = await client.get(f"/moderation/accounts/{bob.id}")
    assert_safe_page(page)
    text = page.text
    assert "Account @bob" in text
    assert "bob@example.com" in text
    assert "bobs first post" in text
    assert "bobs secret post" in text  # followers-only: moderators read it
    assert "a letter" not in text  # direct messages stay private
    assert "about bob" in text
    assert "About @bob, by @alice" in text
    assert "by bob" in text
    assert "By @bob, about @alice" in text
    assert "No warnings." in text
    assert "Nothing done yet." in text
    assert (await client.get("/moderation/accounts/123")).status_code == 404
    assert (await client.get("/moderation/accounts/nope")).status_code == 404


@pytest.mark.parametrize(
    ("action", "undo", "state", "listed"),
    [
        ("sensitive", "unsensitive", "sensitized", None),
        ("silence", "unsilence", "silenced", "silenced"),
        ("disable", "enable", "disabled", "disabled"),
        ("suspend", "unsuspend", "suspended", "suspended"),
    ],
)
async def test_an_action_and_its_undo(
    client: httpx.AsyncClient, roost: Roost, bob: User, moderator: User, action: str,
    undo: str, state: str, listed: str | None,
) -> None:  # fmt: skip
    token = await sign_in(client, moderator)
    badge = f"account-state-{state}"
    r = await _act(client, token, bob.id, action, reason="  ")
    assert r.status_code == 422
    assert "Write a reason saying why." in r.text
    assert await _history(roost, bob.id) == []
    r = await _act(client, token, bob.id, action, reason=f"{action} for spam")
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/moderation/accounts/{bob.id}"
    page = await client.get(r.headers["location"])
    assert badge in page.text
    assert f"{action} for spam" in page.text  # in its warnings and its history
    assert f"/moderation/accounts/{bob.id}/{undo}" in page.text
    assert len(await _history(roost, bob.id)) == 1
    if listed is not None:
        r = await client.get(f"/moderation/accounts?state={listed}")
        assert "bob" in _listed(r)
        r = await client.get("/moderation/accounts?state=active")
        assert ("bob" in _listed(r)) == (listed == "silenced")
    r = await _act(client, token, bob.id, undo, reason="")
    assert r.status_code == 422
    r = await _act(client, token, bob.id, undo, reason="appealed")
    assert r.status_code == 303, r.text
    page = await client.get(f"/moderation/accounts/{bob.id}")
    assert badge not in page.text
    assert f"/moderation/accounts/{bob.id}/{action}" in page.text
    assert len(await _history(roost, bob.id)) == 2
    entries = await access_audit_log(roost.db, Staff(None, "owner"), target=("Account", bob.id))
    assert entries[0].summary == "appealed"  # the undo's reason is kept too


async def test_warn_and_errors_are_readable(
    client: httpx.AsyncClient, roost: Roost, bob: User, moderator: User, owner: User
) -> None:
    token = await sign_in(client, moderator)
    r = await _act(client, token, bob.id, "warn", reason="Be nicer")
    assert r.status_code == 303
    page = await client.get(f"/moderation/accounts/{bob.id}")
    assert "Be nicer" in page.text
    assert "No warnings." not in page.text
    r = await _act(client, token, owner.id, "suspend", reason="coup")
    assert r.status_code == 403  # a moderator cannot act on the owner
    assert_safe_page(r)
    assert "Not allowed" in r.text
    assert (await _act(client, token, bob.id, "explode", reason="x")).status_code == 404
    assert (await _act(client, token, 123, "suspend", reason="x")).status_code == 404
    r = await client.post(f"/moderation/accounts/{bob.id}/suspend", data={"reason": "x"})
    assert r.status_code == 403  # no CSRF token
    r = await _act(client, token, bob.id, "warn", reason="x", next="https://evil.example/")
    assert r.headers["location"] == f"/moderation/accounts/{bob.id}"
    r = await _act(client, token, bob.id, "warn", reason="x", report_id="nope")
    assert r.status_code == 404


async def test_pending_sign_ups_are_approved_or_rejected(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, moderator: User
) -> None:
    wren = await make_user("wren", approved=False, reason="I love birds")
    jay = await make_user("jay", approved=False, reason="Spam spam")
    token = await sign_in(client, moderator)
    r = await client.get("/moderation/pending")
    assert_safe_page(r)
    assert "I love birds" in r.text
    assert "Spam spam" in r.text
    page = await client.get(f"/moderation/accounts/{wren.id}")
    assert "account-state-pending" in page.text
    assert "I love birds" in page.text
    r = await _act(client, token, wren.id, "approve", next="/moderation/pending")
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/moderation/pending"
    r = await _act(client, token, jay.id, "reject", next="/moderation/pending")
    assert r.status_code == 303, r.text
    r = await client.get("/moderation/pending")
    assert "I love birds" not in r.text
    assert "Spam spam" not in r.text
    assert "No sign-ups are waiting." in r.text
    page = await client.get(f"/moderation/accounts/{wren.id}")
    assert "account-state-pending" not in page.text


async def test_the_report_page_acts_on_the_account(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, carol: User,
    moderator: User,
) -> None:  # fmt: skip
    sids = []
    for text in ("spam one", "spam two"):
        r = await client.post("/api/v1/statuses", data={"status": text}, headers=bob.auth)
        sids.append(r.json()["id"])
    for who in (alice, carol):
        r = await client.post(
            "/api/v1/reports", data={"account_id": bob.sid, "status_ids[]": sids},
            headers=who.auth,
        )  # fmt: skip
        assert r.status_code == 200, r.text
    rid_posts, rid_suspend = [int(r) for r in re.findall(
        r'href="/moderation/reports/(\d+)"', (await _signed_in_queue(client, moderator)).text
    )][:2]  # fmt: skip
    token = await sign_in(client, moderator)
    page = await client.get(f"/moderation/reports/{rid_posts}")
    assert_safe_page(page)
    assert f'action="/moderation/accounts/{bob.id}/suspend"' in page.text
    assert "Delete the reported posts" in page.text
    r = await client.post(
        f"/moderation/accounts/{bob.id}/delete_posts",
        data={"csrf_token": token, "reason": "", "status_ids": sids},
    )
    assert r.status_code == 422
    r = await _act(client, token, bob.id, "delete_posts", reason="spam")
    assert r.status_code == 422  # which posts?
    r = await client.post(
        f"/moderation/accounts/{bob.id}/delete_posts",
        data={"csrf_token": token, "reason": "spam", "report_id": str(rid_posts),
              "status_ids": sids, "next": f"/moderation/reports/{rid_posts}"},
    )  # fmt: skip
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/moderation/reports/{rid_posts}"
    for sid in sids:
        assert (await client.get(f"/api/v1/statuses/{sid}", headers=alice.auth)).status_code == 404

    r = await _act(
        client, token, bob.id, "suspend", reason="spammer", report_id=str(rid_suspend),
        next=f"/moderation/reports/{rid_suspend}",
    )  # fmt: skip
    assert r.status_code == 303, r.text
    page = await client.get(f"/moderation/reports/{rid_suspend}")
    assert "Resolved by @mod" in page.text
    account = await client.get(f"/moderation/accounts/{bob.id}")
    assert "account-state-suspended" in account.text
    assert "spammer" in account.text
    assert f'href="/moderation/reports/{rid_suspend}"' in account.text


async def _signed_in_queue(client: httpx.AsyncClient, who: User) -> httpx.Response:
    await sign_in(client, who)
    return await client.get("/moderation/reports")


async def test_moderators_see_the_nav_links(client: httpx.AsyncClient, moderator: User) -> None:
    await sign_in(client, moderator)
    r = await client.get("/moderation/reports")
    assert 'href="/moderation/accounts"' in r.text
    assert 'href="/moderation/pending"' in r.text
