"""/api/v1/admin/email_domain_blocks, /canonical_email_blocks and /ip_blocks: shapes,
scopes, roles, bad input, paging and the audit log."""

from __future__ import annotations

import hashlib
import re

import httpx

from roost.accounts.staff import do_set_role
from roost.instance import Roost
from roost.moderation.audit import access_audit_log
from roost.moderation.staff import Staff
from tests.conftest import MakeUser, User

NOT_ALLOWED = {"error": "This action is not allowed"}
EMAILS = "/api/v1/admin/email_domain_blocks"
CANONICAL = "/api/v1/admin/canonical_email_blocks"
IPS = "/api/v1/admin/ip_blocks"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


async def audit(roost: Roost, owner: User, type_: str, target: str) -> list[tuple[str, str]]:
    entries = await access_audit_log(
        roost.db, Staff(owner.id, "owner"), target=(type_, int(target))
    )
    return [(e.action, e.summary) for e in entries]


async def test_email_domain_blocks(client: httpx.AsyncClient, roost: Roost, owner: User) -> None:
    r = await client.post(EMAILS, data={"domain": " Spam.Example "}, headers=owner.auth)
    assert r.status_code == 200, r.text
    block = r.json()
    assert set(block) == {"id", "domain", "created_at", "history", "allow_with_approval"}
    assert block["domain"] == "spam.example"
    assert block["history"] == []
    assert block["allow_with_approval"] is False
    assert ISO.match(block["created_at"])
    r = await client.post(EMAILS, json={"domain": "spam.example"}, headers=owner.auth)
    assert r.status_code == 422
    assert r.json() == {"error": "Validation failed: Domain has already been taken"}
    for bad in ("", "not a domain", "http://x.example/", "a@b.example", "-x.example", "a..b"):
        r = await client.post(EMAILS, data={"domain": bad}, headers=owner.auth)
        assert r.status_code == 422, bad
        assert "error" in r.json()
    r = await client.post(
        EMAILS, json={"domain": "slow.example", "allow_with_approval": True}, headers=owner.auth
    )
    assert r.json()["allow_with_approval"] is True
    listed = (await client.get(EMAILS, headers=owner.auth)).json()
    assert [b["domain"] for b in listed] == ["slow.example", "spam.example"]
    r = await client.get(f"{EMAILS}/{block['id']}", headers=owner.auth)
    assert r.json() == block
    r = await client.delete(f"{EMAILS}/{block['id']}", headers=owner.auth)
    assert (r.status_code, r.json()) == (200, {})
    assert (await client.get(f"{EMAILS}/{block['id']}", headers=owner.auth)).status_code == 404
    assert (await client.delete(f"{EMAILS}/{block['id']}", headers=owner.auth)).status_code == 404
    assert await audit(roost, owner, "EmailDomainBlock", block["id"]) == [
        ("destroy_email_domain_block", "spam.example"),
        ("create_email_domain_block", "spam.example"),
    ]


async def test_paging_with_link_headers(client: httpx.AsyncClient, owner: User) -> None:
    for name in ("a", "b", "c"):
        r = await client.post(EMAILS, data={"domain": f"{name}.example"}, headers=owner.auth)
        assert r.status_code == 200
    r = await client.get(f"{EMAILS}?limit=2", headers=owner.auth)
    assert [b["domain"] for b in r.json()] == ["c.example", "b.example"]
    link = r.headers["link"]
    next_url = re.search(r'<([^>]+)>; rel="next"', link)
    assert next_url
    assert "limit=2" in next_url.group(1)
    r = await client.get(next_url.group(1).replace("http://testserver", ""), headers=owner.auth)
    assert [b["domain"] for b in r.json()] == ["a.example"]


async def test_scopes_and_roles(
    client: httpx.AsyncClient, roost: Roost, alice: User, moderator: User, make_user: MakeUser
) -> None:
    for path in (EMAILS, CANONICAL, IPS, "/api/v1/admin/domain_blocks",
                 "/api/v1/admin/domain_allows"):  # fmt: skip
        r = await client.get(path, headers=moderator.auth)  # moderators may not manage blocks
        assert (r.status_code, r.json()) == (403, NOT_ALLOWED), path
        r = await client.get(path, headers=alice.auth)  # a token without admin scopes
        assert r.status_code == 403, path
        assert r.json() == {"error": "This action is outside the authorized scopes"}
        assert (await client.get(path)).status_code == 401
    r = await client.post(EMAILS, data={"domain": "x.example"}, headers=moderator.auth)
    assert (r.status_code, r.json()) == (403, NOT_ALLOWED)
    # The granular scopes: admin:read:ip_blocks reads IP blocks and nothing else.
    reader = await make_user("reader", scopes="admin:read:ip_blocks")
    await do_set_role(roost.db, reader.id, "admin")
    assert (await client.get(IPS, headers=reader.auth)).status_code == 200
    assert (await client.get(EMAILS, headers=reader.auth)).status_code == 403
    r = await client.post(IPS, data={"ip": "10.0.0.1", "severity": "no_access"},
                          headers=reader.auth)  # fmt: skip
    assert r.status_code == 403


async def test_canonical_email_blocks(client: httpx.AsyncClient, roost: Roost, owner: User) -> None:
    r = await client.post(CANONICAL, data={"email": "Jo.Hn+spam@Example.com"}, headers=owner.auth)
    assert r.status_code == 200, r.text
    block = r.json()
    digest = hashlib.sha256(b"john@example.com").hexdigest()
    assert block == {"id": block["id"], "canonical_email_hash": digest}
    r = await client.post(f"{CANONICAL}/test", data={"email": "john+x@example.com"},
                          headers=owner.auth)  # fmt: skip
    assert r.json() == [block]
    r = await client.post(f"{CANONICAL}/test", data={"email": "jane@example.com"},
                          headers=owner.auth)  # fmt: skip
    assert r.json() == []
    r = await client.post(CANONICAL, data={"canonical_email_hash": digest}, headers=owner.auth)
    assert r.status_code == 422
    other = hashlib.sha256(b"eve@example.com").hexdigest()
    r = await client.post(CANONICAL, data={"canonical_email_hash": other.upper()},
                          headers=owner.auth)  # fmt: skip
    assert r.json()["canonical_email_hash"] == other
    for bad in ({"canonical_email_hash": "abc"}, {"email": "no-at-sign"}, {}):
        r = await client.post(CANONICAL, data=bad, headers=owner.auth)
        assert r.status_code == 422, bad
    listed = (await client.get(CANONICAL, headers=owner.auth)).json()
    assert [b["canonical_email_hash"] for b in listed] == [other, digest]
    assert (await client.get(f"{CANONICAL}/{block['id']}", headers=owner.auth)).json() == block
    assert (await client.delete(f"{CANONICAL}/{block['id']}", headers=owner.auth)).json() == {}
    assert await audit(roost, owner, "CanonicalEmailBlock", block["id"]) == [
        ("destroy_canonical_email_block", digest),
        ("create_canonical_email_block", digest),
    ]


async def test_ip_blocks(client: httpx.AsyncClient, roost: Roost, owner: User) -> None:
    r = await client.post(
        IPS, data={"ip": "10.1.2.3/8", "severity": "sign_up_block", "comment": "spammers"},
        headers=owner.auth,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    block = r.json()
    assert set(block) == {"id", "ip", "severity", "comment", "created_at", "expires_at"}
    assert (block["ip"], block["severity"], block["comment"]) == ("10.0.0.0/8", "sign_up_block",
                                                                  "spammers")  # fmt: skip
    assert block["expires_at"] is None
    r = await client.post(IPS, json={"ip": "2001:db8::1", "severity": "sign_up_requires_approval",
                                     "expires_in": 3600}, headers=owner.auth)  # fmt: skip
    assert r.json()["ip"] == "2001:db8::1/128"
    assert ISO.match(r.json()["expires_at"])
    base = f"{IPS}/{block['id']}"
    r = await client.put(base, data={"severity": "no_access", "expires_in": "86400"},
                         headers=owner.auth)  # fmt: skip
    assert r.status_code == 200, r.text
    assert (r.json()["severity"], r.json()["comment"], r.json()["ip"]) == (
        "no_access", "spammers", "10.0.0.0/8",
    )  # fmt: skip
    assert r.json()["expires_at"] is not None
    r = await client.put(base, data={"expires_in": ""}, headers=owner.auth)
    assert r.json()["expires_at"] is None  # given empty: for good
    for bad in ({"ip": "10.0.0.300", "severity": "no_access"},
                {"ip": "not-an-ip", "severity": "no_access"},
                {"ip": "10.0.0.1", "severity": "forever"},
                {"ip": "10.0.0.1", "severity": "no_access", "expires_in": "-5"}):  # fmt: skip
        r = await client.post(IPS, data=bad, headers=owner.auth)
        assert r.status_code == 422, bad
    r = await client.put(base, data={"ip": "nope"}, headers=owner.auth)
    assert r.status_code == 422
    r = await client.put(f"{IPS}/12345", data={"comment": "x"}, headers=owner.auth)
    assert r.status_code == 404
    assert (await client.get(base, headers=owner.auth)).json()["ip"] == "10.0.0.0/8"
    assert len((await client.get(IPS, headers=owner.auth)).json()) == 2
    assert (await client.delete(base, headers=owner.auth)).json() == {}
    assert [a for a, _ in await audit(roost, owner, "IpBlock", block["id"])] == [
        "destroy_ip_block", "update_ip_block", "update_ip_block", "create_ip_block",
    ]  # fmt: skip
