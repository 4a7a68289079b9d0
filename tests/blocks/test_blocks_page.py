"""The moderation area's blocks page, through HTTP (the browser test is in
tests/web/test_blocks_browser.py)."""

from __future__ import annotations

import httpx

from roost.instance import Roost
from roost.moderation.audit import access_audit_log
from roost.moderation.staff import Staff
from tests.conftest import User
from tests.web.test_pages import assert_safe_page, sign_in


async def test_blocks_page(
    client: httpx.AsyncClient, roost: Roost, alice: User, moderator: User, owner: User
) -> None:
    await sign_in(client, alice)
    assert (await client.get("/moderation/blocks")).status_code == 403
    await sign_in(client, moderator)
    assert (await client.get("/moderation/blocks")).status_code == 403  # no manage_blocks
    assert 'href="/moderation/blocks"' not in (await client.get("/moderation/reports")).text

    token = await sign_in(client, owner)
    assert 'href="/moderation/blocks"' in (await client.get("/moderation/reports")).text
    page = await client.get("/moderation/blocks")
    assert page.status_code == 200
    assert_safe_page(page)
    r = await client.post("/moderation/blocks/email_domains", data={"domain": "spam.example"})
    assert r.status_code == 403  # no CSRF token
    r = await client.post(
        "/moderation/blocks/email_domains",
        data={"csrf_token": token, "domain": "spam.example", "allow_with_approval": "1"},
    )
    assert r.status_code == 303
    r = await client.post(
        "/moderation/blocks/ips",
        data={"csrf_token": token, "ip": "198.51.100.0/24", "severity": "sign_up_block",
              "expires_in": "86400", "comment": "bots"},
    )  # fmt: skip
    assert r.status_code == 303
    r = await client.post(
        "/moderation/blocks/domains",
        data={"csrf_token": token, "domain": "bad.example", "severity": "suspend",
              "reject_media": "1", "public_comment": "Spam"},
    )  # fmt: skip
    assert r.status_code == 303
    page = await client.get("/moderation/blocks")
    for text in ("spam.example", "Need approval", "198.51.100.0/24", "bots", "No sign-ups",
                 "bad.example", "Suspend its accounts", "no media", "Spam"):  # fmt: skip
        assert text in page.text, text

    bad_ip = {"csrf_token": token, "ip": "999.1.1.1", "severity": "no_access"}
    r = await client.post("/moderation/blocks/ips", data=bad_ip)
    assert r.status_code == 422
    assert "Ip is invalid" in r.text
    assert 'role="alert"' in r.text
    r = await client.post("/moderation/blocks/email_domains",
                          data={"csrf_token": token, "domain": "not a domain"})  # fmt: skip
    assert r.status_code == 422
    assert "Domain is not a valid domain name" in r.text

    entries = await access_audit_log(roost.db, Staff(owner.id, "owner"), limit=10)
    assert [e.action for e in entries] == [
        "create_domain_block", "create_ip_block", "create_email_domain_block",
    ]  # fmt: skip
    block_id = entries[1].target_id
    r = await client.post(f"/moderation/blocks/ips/{block_id}/delete", data={"csrf_token": token})
    assert r.status_code == 303
    assert "198.51.100.0/24" not in (await client.get("/moderation/blocks")).text
    r = await client.post("/moderation/blocks/nope/1/delete", data={"csrf_token": token})
    assert r.status_code == 404
