"""Mastodon's Admin::EmailDomainBlock, Admin::CanonicalEmailBlock, Admin::IpBlock,
Admin::DomainBlock and Admin::DomainAllow entities."""

from __future__ import annotations

import msgspec

EMAIL_DOMAIN_SEVERITIES = ("block", "allow_with_approval")
IP_SEVERITIES = ("sign_up_requires_approval", "sign_up_block", "no_access")
DOMAIN_SEVERITIES = ("silence", "suspend", "noop")


class EmailDomainBlockHistory(msgspec.Struct, kw_only=True):
    day: str
    accounts: str
    uses: str


class AdminEmailDomainBlock(msgspec.Struct, kw_only=True):
    """A domain whose addresses may not sign up. Roost counts no sign-up attempts, so
    `history` is empty (Mastodon.py and the web admin accept an empty list)."""

    id: str
    domain: str
    created_at: str
    history: list[EmailDomainBlockHistory] = []
    allow_with_approval: bool = False


class AdminCanonicalEmailBlock(msgspec.Struct, kw_only=True):
    id: str
    canonical_email_hash: str


class AdminIpBlock(msgspec.Struct, kw_only=True):
    id: str
    ip: str  # CIDR, e.g. 192.168.0.0/16 or 203.0.113.5/32
    severity: str
    comment: str
    created_at: str
    expires_at: str | None


class AdminDomainBlock(msgspec.Struct, kw_only=True):
    id: str
    domain: str
    digest: str  # SHA-256 hex of the domain
    created_at: str
    severity: str
    reject_media: bool
    reject_reports: bool
    private_comment: str | None
    public_comment: str | None
    obfuscate: bool


class AdminDomainAllow(msgspec.Struct, kw_only=True):
    id: str
    domain: str
    created_at: str
