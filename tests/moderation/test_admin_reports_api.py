"""/api/v1/admin/reports: scopes, roles, each action, and the audit log it leaves."""

from __future__ import annotations

from typing import Any

import httpx

from roost.accounts.staff import do_set_role
from roost.instance import Roost
from roost.moderation.audit import access_audit_log
from roost.moderation.staff import Staff
from tests.conftest import MakeUser, User
from tests.moderation.conftest import ADMIN_SCOPES

NOT_ALLOWED = {"error": "This action is not allowed"}


async def report(client: httpx.AsyncClient, by: User, about: User, **extra: Any) -> str:
    r = await client.post("/api/v1/statuses", data={"status": "nasty words"}, headers=about.auth)
    body = {"account_id": about.sid, "status_ids": [r.json()["id"]], "comment": "mean", **extra}
    r = await client.post("/api/v1/reports", json=body, headers=by.auth)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


async def test_moderator_reads_and_handles_reports(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, moderator: User,
    rule_ids: list[int],
) -> None:  # fmt: skip
    rid = await report(client, alice, bob)
    r = await client.get("/api/v1/admin/reports", headers=moderator.auth)
    assert r.status_code == 200, r.text
    [got] = r.json()
    assert got["id"] == rid
    assert got["account"]["id"] == alice.sid
    assert got["account"]["email"] == "alice@example.com"
    assert got["account"]["account"]["username"] == "alice"
    assert got["target_account"]["id"] == bob.sid
    assert got["target_account"]["role"]["id"] == "-99"
    assert got["assigned_account"] is None
    assert got["action_taken_by_account"] is None
    assert [s["content"] for s in got["statuses"]] == ["<p>nasty words</p>"]
    assert got["rules"] == []
    assert got["category"] == "other"
    assert got["action_taken"] is False

    base = f"/api/v1/admin/reports/{rid}"
    r = await client.post(f"{base}/assign_to_self", headers=moderator.auth)
    assert r.json()["assigned_account"]["id"] == moderator.sid
    r = await client.put(
        base, json={"category": "violation", "rule_ids": [str(rule_ids[0])]}, headers=moderator.auth
    )
    assert r.status_code == 200, r.text
    assert r.json()["category"] == "violation"
    assert [x["text"] for x in r.json()["rules"]] == ["Be kind"]
    r = await client.put(base, json={"category": "rude"}, headers=moderator.auth)
    assert r.status_code == 422
    r = await client.post(f"{base}/unassign", headers=moderator.auth)
    assert r.json()["assigned_account"] is None
    r = await client.post(f"{base}/resolve", headers=moderator.auth)
    assert r.json()["action_taken"] is True
    assert r.json()["action_taken_by_account"]["id"] == moderator.sid
    assert (await client.get("/api/v1/admin/reports", headers=moderator.auth)).json() == []
    resolved = await client.get("/api/v1/admin/reports?resolved=true", headers=moderator.auth)
    assert [x["id"] for x in resolved.json()] == [rid]
    r = await client.post(f"{base}/reopen", headers=moderator.auth)
    assert r.json()["action_taken"] is False
    assert r.json()["action_taken_at"] is None
    assert (await client.get(base, headers=moderator.auth)).json()["id"] == rid
    assert (await client.get(f"{base}9", headers=moderator.auth)).status_code == 404

    entries = await access_audit_log(
        roost.db, Staff(moderator.id, "moderator"), target=("Report", int(rid))
    )
    assert [(e.username, e.action, e.target_type, str(e.target_id)) for e in entries] == [
        ("mod", action, "Report", rid)
        for action in ("reopen_report", "resolve_report", "unassigned_report",
                       "update_report", "assigned_to_self_report")
    ]  # fmt: skip


async def test_filters_and_paging(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User, moderator: User
) -> None:
    first = await report(client, alice, bob)
    second = await report(client, carol, bob)
    third = await report(client, alice, carol)
    auth = moderator.auth

    async def ids(query: str) -> list[str]:
        r = await client.get(f"/api/v1/admin/reports?{query}", headers=auth)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()]

    assert await ids("") == [third, second, first]
    assert await ids(f"account_id={alice.sid}") == [third, first]
    assert await ids(f"target_account_id={bob.sid}") == [second, first]
    assert await ids("limit=2") == [third, second]
    assert await ids(f"max_id={second}") == [first]
    assert await ids(f"min_id={first}&limit=1") == [second]
    r = await client.get("/api/v1/admin/reports?limit=1", headers=auth)
    assert "max_id=" in r.headers["link"]


async def test_scope_and_role_checks(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, alice: User, bob: User
) -> None:
    rid = await report(client, alice, bob)
    plain = await make_user("plain", scopes=ADMIN_SCOPES)  # admin scopes, no staff role
    no_scope = await make_user("noscope")
    granular_read = await make_user("reader", scopes="admin:read:reports")
    granular_write = await make_user("writer", scopes="admin:write:reports")
    for user in (no_scope, granular_read, granular_write):
        await do_set_role(roost.db, user.id, "moderator")
    paths = [
        ("GET", "/api/v1/admin/reports"),
        ("GET", f"/api/v1/admin/reports/{rid}"),
        ("PUT", f"/api/v1/admin/reports/{rid}"),
        ("POST", f"/api/v1/admin/reports/{rid}/assign_to_self"),
        ("POST", f"/api/v1/admin/reports/{rid}/unassign"),
        ("POST", f"/api/v1/admin/reports/{rid}/resolve"),
        ("POST", f"/api/v1/admin/reports/{rid}/reopen"),
    ]
    for method, path in paths:
        r = await client.request(method, path, headers=plain.auth)
        assert (r.status_code, r.json()) == (403, NOT_ALLOWED), (method, path)
        r = await client.request(method, path, headers=no_scope.auth)
        assert r.status_code == 403, (method, path)
        assert r.json() == {"error": "This action is outside the authorized scopes"}
        r = await client.request(method, path)
        assert r.status_code == 401
        writing = method != "GET"
        r = await client.request(method, path, headers=granular_read.auth)
        assert r.status_code == (403 if writing else 200), (method, path)
        r = await client.request(method, path, headers=granular_write.auth)
        assert r.status_code == (200 if writing else 403), (method, path, r.text)
