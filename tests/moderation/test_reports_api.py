"""POST /api/v1/reports and the instance's rules, through HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from roost.instance import Roost
from tests.conftest import User


async def post(client: httpx.AsyncClient, user: User, text: str, **extra: Any) -> str:
    r = await client.post("/api/v1/statuses", data={"status": text, **extra}, headers=user.auth)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


async def test_rules_in_the_instance(client: httpx.AsyncClient, rule_ids: list[int]) -> None:
    r = await client.get("/api/v1/instance/rules")
    assert r.status_code == 200
    assert [(x["id"], x["text"], x["hint"]) for x in r.json()] == [
        (str(rule_ids[0]), "Be kind", "No harassment."),
        (str(rule_ids[1]), "No spam", ""),
    ]
    v1 = (await client.get("/api/v1/instance")).json()
    v2 = (await client.get("/api/v2/instance")).json()
    assert (
        [x["text"] for x in v1["rules"]]
        == [x["text"] for x in v2["rules"]]
        == [
            "Be kind",
            "No spam",
        ]
    )


async def test_report_happy_path_notifies_moderators(
    client: httpx.AsyncClient, alice: User, bob: User, moderator: User, rule_ids: list[int]
) -> None:
    sid = await post(client, bob, "buy my stuff")
    r = await client.post(
        "/api/v1/reports",
        json={
            "account_id": bob.sid,
            "status_ids": [sid],
            "comment": "spammy",
            "category": "violation",
            "rule_ids": [str(rule_ids[1])],
            "forward": True,
        },
        headers=alice.auth,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["action_taken"] is False
    assert body["action_taken_at"] is None
    assert body["category"] == "violation"
    assert body["comment"] == "spammy"
    assert body["forwarded"] is False  # local accounts: nowhere to forward to
    assert body["status_ids"] == [sid]
    assert body["rule_ids"] == [str(rule_ids[1])]
    assert body["target_account"]["id"] == bob.sid
    assert body["created_at"].endswith("Z")
    notes = (await client.get("/api/v1/notifications", headers=moderator.auth)).json()
    assert [(n["type"], n["account"]["id"]) for n in notes] == [("admin.report", alice.sid)]
    # Not the others.
    assert (await client.get("/api/v1/notifications", headers=bob.auth)).json() == []


async def test_report_defaults_to_other_without_rules(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    r = await client.post("/api/v1/reports", data={"account_id": bob.sid}, headers=alice.auth)
    assert r.status_code == 200, r.text
    assert r.json()["category"] == "other"
    assert r.json()["status_ids"] == []
    assert r.json()["rule_ids"] is None


async def test_bad_reports(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User, rule_ids: list[int]
) -> None:
    own = await post(client, alice, "mine")
    carols = await post(client, carol, "carol's")
    hidden = await post(client, bob, "for my mentions only", visibility="direct")
    cases: list[dict[str, Any]] = [
        {"account_id": alice.sid},  # oneself
        {"account_id": bob.sid, "status_ids": [hidden]},  # cannot see it
        {"account_id": bob.sid, "status_ids": [carols]},  # not bob's
        {"account_id": bob.sid, "status_ids": [own]},
        {"account_id": bob.sid, "status_ids": ["nope"]},
        {"account_id": bob.sid, "comment": "x" * 1001},
        {"account_id": bob.sid, "category": "rude"},
        {"account_id": bob.sid, "category": "violation"},  # which rule?
        {"account_id": bob.sid, "category": "violation", "rule_ids": ["999999"]},
        {"account_id": bob.sid, "category": "violation", "rule_ids": [str(rule_ids[0]), "x"]},
        {},
    ]
    for case in cases:
        r = await client.post("/api/v1/reports", json=case, headers=alice.auth)
        assert r.status_code == 422, (case, r.text)
        assert "error" in r.json()
    r = await client.post("/api/v1/reports", json={"account_id": "12345"}, headers=alice.auth)
    assert r.status_code == 404
    r = await client.post(
        "/api/v1/reports",
        json={"account_id": bob.sid},
        headers={"Authorization": "Bearer nope"},
    )
    assert r.status_code == 401


async def test_report_needs_write_reports_scope(
    client: httpx.AsyncClient, roost: Roost, make_user: Any, bob: User
) -> None:
    reader = await make_user("reader", scopes="read")
    r = await client.post("/api/v1/reports", json={"account_id": bob.sid}, headers=reader.auth)
    assert r.status_code == 403
    writer = await make_user("writer", scopes="write:reports")
    r = await client.post("/api/v1/reports", json={"account_id": bob.sid}, headers=writer.auth)
    assert r.status_code == 200
