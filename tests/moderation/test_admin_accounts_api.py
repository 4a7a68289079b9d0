"""/api/v1/admin/accounts and v2: scopes, roles, each action's answer and state, the
warning it leaves and the audit log."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from roost.accounts.staff import do_set_role
from roost.instance import Roost
from roost.moderation.audit import access_audit_log
from roost.moderation.staff import Staff
from tests.conftest import MakeUser, User
from tests.moderation.conftest import ADMIN_SCOPES

NOT_ALLOWED = {"error": "This action is not allowed"}
BASE = "/api/v1/admin/accounts"
ADMIN_ACCOUNT_KEYS = {
    "id", "username", "domain", "created_at", "email", "ip", "ips", "locale",
    "invite_request", "role", "confirmed", "approved", "disabled", "sensitized", "silenced",
    "suspended", "account", "created_by_application_id", "invited_by_account_id",
}  # fmt: skip


async def eventually(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], status: int
) -> httpx.Response:
    """GET `url` until it answers `status` (the token cache lets go within moments)."""
    for _ in range(100):
        r = await client.get(url, headers=headers)
        if r.status_code == status:
            return r
        await asyncio.sleep(0.05)
    raise AssertionError(f"{url} still answers {r.status_code}: {r.text}")


async def act(
    client: httpx.AsyncClient, by: User, target: User, type: str, **extra: Any
) -> httpx.Response:
    return await client.post(f"{BASE}/{target.sid}/action", json={"type": type, **extra},
                             headers=by.auth)  # fmt: skip


async def test_show_and_list(
    client: httpx.AsyncClient, make_user: MakeUser, alice: User, bob: User, moderator: User
) -> None:
    r = await client.get(f"{BASE}/{alice.sid}", headers=moderator.auth)
    assert r.status_code == 200, r.text
    got = r.json()
    assert set(got) == ADMIN_ACCOUNT_KEYS
    assert (got["username"], got["email"], got["account"]["id"]) == ("alice", "alice@example.com",
                                                                      alice.sid)  # fmt: skip
    assert not any(got[k] for k in ("disabled", "silenced", "sensitized", "suspended"))
    assert got["approved"] is True
    assert (await client.get(f"{BASE}/1234", headers=moderator.auth)).status_code == 404

    pending = await make_user("newbie", approved=False, reason="let me in")
    r = await client.get("/api/v2/admin/accounts?status=pending", headers=moderator.auth)
    assert [a["id"] for a in r.json()] == [pending.sid]
    assert r.json()[0]["invite_request"] == "let me in"
    r = await client.get(f"{BASE}?pending=true", headers=moderator.auth)
    assert [a["id"] for a in r.json()] == [pending.sid]
    r = await client.get("/api/v2/admin/accounts?permissions=staff", headers=moderator.auth)
    assert [a["id"] for a in r.json()] == [moderator.sid]
    r = await client.get("/api/v2/admin/accounts?role_ids[]=1", headers=moderator.auth)
    assert [a["id"] for a in r.json()] == [moderator.sid]
    r = await client.get("/api/v2/admin/accounts?username=AL", headers=moderator.auth)
    assert [a["id"] for a in r.json()] == [alice.sid]
    r = await client.get("/api/v2/admin/accounts?email=bob@", headers=moderator.auth)
    assert [a["id"] for a in r.json()] == [bob.sid]
    for query in ("origin=remote", "by_domain=example.org", "ip=127.0.0.1", "username=%25"):
        r = await client.get(f"/api/v2/admin/accounts?{query}", headers=moderator.auth)
        assert r.json() == [], query
    # Newest first, paged with Link headers.
    r = await client.get("/api/v2/admin/accounts?limit=2", headers=moderator.auth)
    assert [a["id"] for a in r.json()] == [pending.sid, moderator.sid]
    assert 'rel="next"' in r.headers["link"]
    r = await client.get(f"{BASE}?limit=2&max_id={moderator.sid}", headers=moderator.auth)
    assert [a["id"] for a in r.json()] == [bob.sid, alice.sid]


async def test_scopes_and_roles(
    client: httpx.AsyncClient, make_user: MakeUser, alice: User, bob: User, moderator: User,
    owner: User,
) -> None:  # fmt: skip
    # A user without a role, a token without an admin scope: 403.
    r = await client.get(BASE, headers=alice.auth)
    assert r.json() == {"error": "This action is outside the authorized scopes"}
    assert (await act(client, alice, bob, "silence")).status_code == 403
    plain = await make_user("plain", scopes=ADMIN_SCOPES)  # admin scopes, no role
    r = await client.get(BASE, headers=plain.auth)
    assert (r.status_code, r.json()) == (403, NOT_ALLOWED)
    # A moderator on the owner, or on themselves: 403 and nothing changes.
    r = await act(client, moderator, owner, "suspend")
    assert (r.status_code, r.json()) == (403, NOT_ALLOWED)
    assert (await act(client, moderator, moderator, "silence")).status_code == 403
    assert (await act(client, owner, owner, "silence")).status_code == 403
    r = await client.get(f"{BASE}/{owner.sid}", headers=moderator.auth)
    assert r.json()["suspended"] is False
    # Unknown type: 422; unknown account or report: 404.
    assert (await act(client, moderator, bob, "explode")).status_code == 422
    r = await client.post(f"{BASE}/1234/action", json={"type": "silence"}, headers=moderator.auth)
    assert r.status_code == 404
    assert (await act(client, moderator, bob, "silence", report_id="1234")).status_code == 404
    # Deleting data needs `delete_user_data`, which moderators lack.
    assert (await client.delete(f"{BASE}/{bob.sid}", headers=moderator.auth)).status_code == 403


async def test_each_action_and_its_undo(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, moderator: User
) -> None:
    one = f"{BASE}/{bob.sid}"
    for type, field, undo in (
        ("sensitive", "sensitized", "unsensitive"),
        ("silence", "silenced", "unsilence"),
        ("disable", "disabled", "enable"),
        ("suspend", "suspended", "unsuspend"),
    ):
        r = await act(client, moderator, bob, type, text=f"{type} you")
        assert (r.status_code, r.json()) == (200, {}), r.text
        assert (await client.get(one, headers=moderator.auth)).json()[field] is True
        r = await client.post(f"{one}/{undo}", headers=moderator.auth)
        assert r.status_code == 200, r.text
        assert set(r.json()) == ADMIN_ACCOUNT_KEYS
        assert r.json()[field] is False
    # Unsuspending an account that is not suspended: 403, as Mastodon.
    assert (await client.post(f"{one}/unsuspend", headers=moderator.auth)).status_code == 403
    # The others answer 200 all the same.
    assert (await client.post(f"{one}/unsilence", headers=moderator.auth)).status_code == 200

    entries = await access_audit_log(
        roost.db, Staff(moderator.id, "moderator"), target=("Account", bob.id)
    )
    assert [e.action for e in reversed(entries)] == [
        "sensitive_account", "unsensitive_account", "silence_account", "unsilence_account",
        "disable_user", "enable_user", "suspend_account", "unsuspend_account",
    ]  # fmt: skip
    assert entries[-1].summary == "sensitive you"
    assert {e.username for e in entries} == {"mod"}


async def test_warning_notifies_the_account(
    client: httpx.AsyncClient, roost: Roost, bob: User, moderator: User
) -> None:
    r = await act(client, moderator, bob, "none")  # a plain "none": no warning at all
    assert r.status_code == 200
    r = await client.get("/api/v1/notifications", headers=bob.auth)
    assert r.json() == []
    entries = await access_audit_log(roost.db, Staff(moderator.id, "moderator"))
    assert entries == []

    r = await act(client, moderator, bob, "none", text="Be nice")
    assert r.status_code == 200
    r = await act(client, moderator, bob, "sensitive", send_email_notification=False)
    assert r.status_code == 200
    r = await client.get("/api/v1/notifications", headers=bob.auth)
    [note] = r.json()
    assert note["type"] == "moderation_warning"
    assert note["account"]["id"] == bob.sid
    warning = note["moderation_warning"]
    assert set(warning) == {"id", "action", "text", "status_ids", "target_account", "appeal",
                            "created_at"}  # fmt: skip
    assert (warning["action"], warning["text"]) == ("none", "Be nice")
    assert warning["target_account"]["id"] == bob.sid
    assert warning["appeal"] is None
    r = await client.get(f"/api/v1/notifications/{note['id']}", headers=bob.auth)
    assert r.json()["moderation_warning"]["id"] == warning["id"]
    r = await client.get("/api/v2/notifications", headers=bob.auth)
    [group] = r.json()["notification_groups"]
    assert group["type"] == "moderation_warning"
    assert group["moderation_warning"]["text"] == "Be nice"
    entries = await access_audit_log(roost.db, Staff(moderator.id, "moderator"))
    assert [e.action for e in entries] == ["sensitive_account", "create_account_warning"]


async def test_action_resolves_reports(
    client: httpx.AsyncClient, alice: User, carol: User, bob: User, moderator: User
) -> None:
    ids = []
    for reporter in (alice, carol):
        r = await client.post("/api/v1/reports", json={"account_id": bob.sid, "comment": "x"},
                              headers=reporter.auth)  # fmt: skip
        ids.append(r.json()["id"])
    # A warning resolves only the report it names.
    assert (await act(client, moderator, bob, "none", report_id=ids[0], text="hm")).status_code
    r = await client.get("/api/v1/admin/reports", headers=moderator.auth)
    assert [x["id"] for x in r.json()] == [ids[1]]
    # Any other action resolves every open report on the account.
    assert (await act(client, moderator, bob, "silence")).status_code == 200
    assert (await client.get("/api/v1/admin/reports", headers=moderator.auth)).json() == []


async def test_approve_reject_delete(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, bob: User, moderator: User,
    owner: User,
) -> None:  # fmt: skip
    first = await make_user("first", approved=False)
    second = await make_user("second", approved=False)
    r = await client.post(f"{BASE}/{first.sid}/approve", headers=moderator.auth)
    assert (r.status_code, r.json()["approved"]) == (200, True)
    await eventually(client, "/api/v1/accounts/verify_credentials", first.auth, 200)
    r = await client.post(f"{BASE}/{first.sid}/approve", headers=moderator.auth)
    assert r.status_code == 403  # not pending any more
    r = await client.post(f"{BASE}/{bob.sid}/reject", headers=moderator.auth)
    assert r.status_code == 403
    r = await client.post(f"{BASE}/{second.sid}/reject", headers=moderator.auth)
    assert (r.status_code, r.json()["username"], r.json()["approved"]) == (200, "second", False)
    assert (await client.get(f"{BASE}/{second.sid}", headers=moderator.auth)).status_code == 404

    # Deleting data: only a suspended account's, by a role with `delete_user_data`.
    assert (await client.delete(f"{BASE}/{bob.sid}", headers=owner.auth)).status_code == 403
    assert (await act(client, owner, bob, "suspend")).status_code == 200
    r = await client.delete(f"{BASE}/{bob.sid}", headers=owner.auth)
    assert (r.status_code, r.json()["suspended"]) == (200, True)
    # The purge job ran after the request: its data are gone, so no unsuspending.
    assert (await client.post(f"{BASE}/{bob.sid}/unsuspend", headers=owner.auth)).status_code == 403
    assert (await client.delete(f"{BASE}/{bob.sid}", headers=owner.auth)).status_code == 403
    entries = await access_audit_log(roost.db, Staff(owner.id, "owner"))
    assert {"approve_user", "reject_user", "suspend_account", "destroy_account"} <= {
        e.action for e in entries
    }


async def test_admin_scope_alone_is_enough(
    client: httpx.AsyncClient, make_user: MakeUser, roost: Roost, bob: User
) -> None:
    narrow = await make_user("narrow", scopes="admin:read:accounts admin:write:accounts")
    await do_set_role(roost.db, narrow.id, "moderator")
    await eventually(client, BASE, narrow.auth, 200)
    assert (await act(client, narrow, bob, "silence")).status_code == 200
    reports_only = await make_user("reports", scopes=ADMIN_SCOPES.replace("admin:", "x"))
    await do_set_role(roost.db, reports_only.id, "moderator")
    assert (await client.get(BASE, headers=reports_only.auth)).status_code == 403
