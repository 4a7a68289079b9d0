"""The web's report form and moderation area, through HTTP (the browser test is in
tests/web/test_report_browser.py)."""

from __future__ import annotations

import httpx

from roost.instance import Roost
from roost.moderation.audit import access_audit_log
from roost.moderation.staff import Staff
from tests.conftest import User
from tests.web.test_pages import assert_safe_page, sign_in


async def test_report_then_resolve_on_the_web(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, moderator: User,
    owner: User, rule_ids: list[int],
) -> None:  # fmt: skip
    r = await client.post("/api/v1/statuses", data={"status": "rude post"}, headers=bob.auth)
    sid = r.json()["id"]
    signup = await client.get("/signup")
    assert "Be kind" in signup.text
    assert "No harassment." in signup.text

    token = await sign_in(client, alice)
    home = await client.get("/public")
    assert f"/@bob/report?status={sid}" in home.text
    assert "/moderation/reports" not in home.text  # no staff link for alice
    assert (await client.get("/moderation/reports")).status_code == 403
    form = await client.get(f"/@bob/report?status={sid}")
    assert_safe_page(form)
    assert "rude post" in form.text
    assert "Be kind" in form.text
    r = await client.post(
        "/@bob/report",
        data={"csrf_token": token, "status": sid, "category": "violation", "comment": "so rude"},
    )
    assert r.status_code == 422  # which rule?
    r = await client.post(
        "/@bob/report",
        data={
            "csrf_token": token, "status": sid, "category": "violation",
            "rule_ids": str(rule_ids[0]), "comment": "so rude",
        },
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert "The moderators have your report" in r.text
    assert "Report @bob" in (await client.get("/@bob")).text

    token = await sign_in(client, moderator)
    queue = await client.get("/moderation/reports")
    assert_safe_page(queue)
    assert "@bob, reported by @alice" in queue.text
    rid = queue.text.split('href="/moderation/reports/')[1].split('"')[0]
    page = await client.get(f"/moderation/reports/{rid}")
    assert_safe_page(page)
    assert "so rude" in page.text
    assert "rude post" in page.text
    assert "Be kind" in page.text
    r = await client.post(f"/moderation/reports/{rid}/resolve", data={"csrf_token": token})
    assert r.status_code == 422  # a note is required
    r = await client.post(
        f"/moderation/reports/{rid}/resolve", data={"csrf_token": token, "note": "warned bob"}
    )
    assert r.status_code == 303
    page = await client.get(f"/moderation/reports/{rid}")
    assert "Resolved by @mod" in page.text
    assert "warned bob" in page.text
    audit = await client.get("/moderation/audit")
    assert_safe_page(audit)
    assert "resolve_report" in audit.text
    assert "warned bob" in audit.text
    assert (await client.get("/moderation/rules")).status_code == 403  # moderators: no

    token = await sign_in(client, owner)
    r = await client.post(
        "/moderation/rules", data={"csrf_token": token, "text": "No ads", "hint": ""}
    )
    assert r.status_code == 303
    assert "No ads" in (await client.get("/moderation/rules")).text
    entries = await access_audit_log(roost.db, Staff(owner.id, "owner"), limit=1)
    assert (entries[0].action, entries[0].summary) == ("create_rule", "No ads")
