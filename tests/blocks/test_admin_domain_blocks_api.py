"""/api/v1/admin/domain_blocks and /api/v1/admin/domain_allows: stored, listed, changed and
audited (federation applies them later)."""

from __future__ import annotations

import hashlib

import httpx

from roost.instance import Roost
from roost.moderation.audit import access_audit_log
from roost.moderation.staff import Staff
from tests.conftest import User

BLOCKS, ALLOWS = "/api/v1/admin/domain_blocks", "/api/v1/admin/domain_allows"


async def test_domain_blocks(client: httpx.AsyncClient, roost: Roost, owner: User) -> None:
    r = await client.post(BLOCKS, data={"domain": "Bad.Example"}, headers=owner.auth)
    assert r.status_code == 200, r.text
    block = r.json()
    assert block == {
        "id": block["id"], "domain": "bad.example",
        "digest": hashlib.sha256(b"bad.example").hexdigest(), "created_at": block["created_at"],
        "severity": "silence", "reject_media": False, "reject_reports": False,
        "private_comment": None, "public_comment": None, "obfuscate": False,
    }  # fmt: skip
    # Already blocked, or under a blocked domain: 422 with the block there is (Mastodon).
    for domain in ("bad.example", "sub.bad.example"):
        r = await client.post(BLOCKS, data={"domain": domain, "severity": "suspend"},
                              headers=owner.auth)  # fmt: skip
        assert r.status_code == 422
        assert r.json() == {
            "error": "You have already imposed stricter limits on bad.example.",
            "existing_domain_block": block,
        }
    r = await client.post(
        BLOCKS,
        json={"domain": "worse.example", "severity": "suspend", "reject_media": True,
              "private_comment": "spam farm", "public_comment": "Spam", "obfuscate": "1"},
        headers=owner.auth,
    )  # fmt: skip
    worse = r.json()
    assert (worse["severity"], worse["reject_media"], worse["reject_reports"]) == (
        "suspend", True, False,
    )  # fmt: skip
    assert (worse["private_comment"], worse["public_comment"], worse["obfuscate"]) == (
        "spam farm", "Spam", True,
    )  # fmt: skip
    for bad in ({"domain": "not a domain"}, {"domain": "ok.example", "severity": "ban"}, {}):
        r = await client.post(BLOCKS, data=bad, headers=owner.auth)
        assert r.status_code == 422, bad
    base = f"{BLOCKS}/{block['id']}"
    r = await client.put(base, data={"severity": "noop", "reject_reports": "true"},
                         headers=owner.auth)  # fmt: skip
    assert r.status_code == 200, r.text
    assert (r.json()["domain"], r.json()["severity"], r.json()["reject_reports"]) == (
        "bad.example", "noop", True,
    )  # fmt: skip
    assert (await client.put(base, data={"severity": "x"}, headers=owner.auth)).status_code == 422
    listed = (await client.get(BLOCKS, headers=owner.auth)).json()
    assert [b["domain"] for b in listed] == ["worse.example", "bad.example"]
    assert (await client.get(base, headers=owner.auth)).json()["severity"] == "noop"
    assert (await client.delete(base, headers=owner.auth)).json() == {}
    assert (await client.get(base, headers=owner.auth)).status_code == 404
    entries = await access_audit_log(
        roost.db, Staff(owner.id, "owner"), target=("DomainBlock", int(block["id"]))
    )
    assert [(e.action, e.summary) for e in entries] == [
        ("destroy_domain_block", "bad.example"),
        ("update_domain_block", "bad.example noop"),
        ("create_domain_block", "bad.example silence"),
    ]


async def test_domain_allows(client: httpx.AsyncClient, roost: Roost, owner: User) -> None:
    r = await client.post(ALLOWS, data={"domain": "friends.example"}, headers=owner.auth)
    assert r.status_code == 200, r.text
    allow = r.json()
    assert set(allow) == {"id", "domain", "created_at"}
    assert allow["domain"] == "friends.example"
    again = await client.post(ALLOWS, data={"domain": "FRIENDS.example"}, headers=owner.auth)
    assert again.json() == allow  # the existing allow, as Mastodon
    assert (
        await client.post(ALLOWS, data={"domain": "x y"}, headers=owner.auth)
    ).status_code == 422
    assert (await client.get(ALLOWS, headers=owner.auth)).json() == [allow]
    assert (await client.get(f"{ALLOWS}/{allow['id']}", headers=owner.auth)).json() == allow
    assert (await client.delete(f"{ALLOWS}/{allow['id']}", headers=owner.auth)).json() == {}
    assert (await client.get(ALLOWS, headers=owner.auth)).json() == []
    entries = await access_audit_log(
        roost.db, Staff(owner.id, "owner"), target=("DomainAllow", int(allow["id"]))
    )
    assert [e.action for e in entries] == ["destroy_domain_allow", "create_domain_allow"]
