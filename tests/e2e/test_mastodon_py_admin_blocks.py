"""Mastodon.py against a real `roost serve`: the admin blocks API (domain blocks and
allows, email domain, canonical email and IP blocks), and a sign-up an email domain block
refuses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mastodon import Mastodon, MastodonAPIError

from tests.e2e.server import Server, roost_server

pytestmark = pytest.mark.e2e
SCOPES = ["read", "write", "follow"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with roost_server(
        tmp_path_factory.mktemp("mastodon_py_admin_blocks"), ROOST_SIGNUP_LIMIT="0"
    ) as s:
        yield s


def client(server: Server, name: str, scopes: str, role: str | None = None) -> Mastodon:
    server.cli("users", "create", name, "--email", f"{name}@example.com")
    if role is not None:
        server.cli("users", "role", name, role)
    token = server.cli("tokens", "create", name, "--scopes", scopes).strip().split()[-1]
    return Mastodon(access_token=token, api_base_url=server.url)


def test_admin_blocks(server: Server) -> None:
    boss = client(server, "boss", "read write admin:read admin:write", role="admin")
    mod = client(server, "mod", "read write admin:read admin:write", role="moderator")

    # Domain blocks: create, list, show, update, delete.
    block = boss.admin_create_domain_block(
        "bad.example", severity="suspend", reject_media=True, private_comment="spam farm"
    )
    assert (block.domain, block.severity, block.reject_media) == ("bad.example", "suspend", True)
    assert block.private_comment == "spam farm"
    with pytest.raises(MastodonAPIError):
        boss.admin_create_domain_block("bad.example")  # already blocked: 422
    assert [b.id for b in boss.admin_domain_blocks()] == [block.id]
    assert boss.admin_domain_blocks(id=block.id).domain == "bad.example"
    changed = boss.admin_update_domain_block(block.id, severity="silence", reject_reports=True)
    assert (changed.severity, changed.reject_reports, changed.reject_media) == (
        "silence", True, True,
    )  # fmt: skip
    boss.admin_delete_domain_block(block.id)
    assert list(boss.admin_domain_blocks()) == []
    with pytest.raises(MastodonAPIError):
        mod.admin_domain_blocks()  # moderators: no manage_federation

    # Domain allows.
    allow = boss.admin_create_domain_allow("friends.example")
    assert [a.domain for a in boss.admin_domain_allows()] == ["friends.example"]
    assert boss.admin_domain_allow(allow.id).domain == "friends.example"
    boss.admin_delete_domain_allow(allow.id)

    # Email domain blocks, and a sign-up they refuse.
    email_block = boss.admin_create_email_domain_block("spam.example")
    assert email_block.domain == "spam.example"
    assert email_block.history == []
    assert [b.domain for b in boss.admin_email_domain_blocks()] == ["spam.example"]
    assert boss.admin_email_domain_block(email_block.id).id == email_block.id
    client_id, client_secret = Mastodon.create_app(
        "roost-blocks", api_base_url=server.url, scopes=SCOPES
    )
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server.url)
    token, error = app.create_account(
        "spammer", "password123", "me@mail.spam.example", agreement=True,
        return_detailed_error=True, scopes=SCOPES,
    )  # fmt: skip
    assert token is None
    assert [e.error for e in error.details.email] == ["ERR_BLOCKED"]
    boss.admin_delete_email_domain_block(email_block.id)
    assert list(boss.admin_email_domain_blocks()) == []
    with pytest.raises(MastodonAPIError):
        mod.admin_email_domain_blocks()  # moderators: no manage_blocks

    # Canonical email blocks.
    canonical = boss.admin_create_canonical_email_block(email="Some.One+x@example.org")
    found = boss.admin_test_canonical_email_block("someone@example.org")
    assert [c.id for c in found] == [canonical.id]
    assert boss.admin_canonical_email_block(canonical.id).canonical_email_hash == (
        canonical.canonical_email_hash
    )
    assert [c.id for c in boss.admin_canonical_email_blocks()] == [canonical.id]
    boss.admin_delete_canonical_email_block(canonical.id)

    # IP blocks.
    ip_block = boss.admin_create_ip_block(
        "198.51.100.7/24", "sign_up_block", comment="bots", expires_in=3600
    )
    assert (ip_block.ip, ip_block.severity, ip_block.comment) == (
        "198.51.100.0/24", "sign_up_block", "bots",
    )  # fmt: skip
    assert ip_block.expires_at is not None
    assert [b.id for b in boss.admin_ip_blocks()] == [ip_block.id]
    assert boss.admin_ip_block(ip_block.id).ip == "198.51.100.0/24"
    updated = boss.admin_update_ip_block(ip_block.id, severity="sign_up_requires_approval")
    assert updated.severity == "sign_up_requires_approval"
    with pytest.raises(MastodonAPIError):
        boss.admin_create_ip_block("not-an-ip", "no_access")
    boss.admin_delete_ip_block(ip_block.id)
    assert list(boss.admin_ip_blocks()) == []
