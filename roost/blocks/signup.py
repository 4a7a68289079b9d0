"""What the blocks say about a sign-up: refused (with Mastodon's per-field errors), held
for a moderator's approval, or let through. Asked by every sign-up (roost.accounts.registration)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from roost.blocks.check import (
    canonical_email_hash,
    clean_network,
    client_address,
    parent_domains,
)
from roost.blocks.tables import canonical_email_blocks, email_domain_blocks, ip_blocks
from roost.db import Database
from roost.db.prepared import any_of
from roost.timeutil import utcnow

_EMAIL_DOMAIN = sa.select(email_domain_blocks.c.allow_with_approval).where(
    any_of(email_domain_blocks.c.domain, "domains", text=True)
)
_CANONICAL = sa.select(canonical_email_blocks.c.id).where(
    canonical_email_blocks.c.canonical_email_hash == sa.bindparam("hash")
)
_IP = sa.select(ip_blocks.c.ip, ip_blocks.c.severity).where(
    sa.or_(ip_blocks.c.expires_at.is_(None), ip_blocks.c.expires_at > sa.bindparam("now"))
)


@dataclass
class SignUpVerdict:
    """`errors` ((field, Mastodon code, description)) refuse the sign-up; `ip_refused`
    refuses it for its address; otherwise `approval` holds it for a moderator."""

    errors: list[tuple[str, str, str]] = field(default_factory=list)
    ip_refused: bool = False
    approval: bool = False


async def check_sign_up(db: Database, email: str, ip: str | None) -> SignUpVerdict:
    """The blocks that apply to a sign-up with `email` from `ip` (three small queries)."""
    verdict = SignUpVerdict()
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    if domain:
        for with_approval in await db.scalars(_EMAIL_DOMAIN, {"domains": parent_domains(domain)}):
            if with_approval:
                verdict.approval = True
            else:
                verdict.errors.append(("email", "ERR_BLOCKED", "uses a disallowed e-mail provider"))
                break
    if await db.scalar(_CANONICAL, {"hash": canonical_email_hash(email)}) is not None:
        # Mastodon says "taken" here: the person is not told that the address is blocked.
        verdict.errors.append(("email", "ERR_TAKEN", "has already been taken"))
    address = client_address(ip)
    if address is not None:
        for row in await db.fetch_all(_IP, {"now": utcnow()}):
            network = clean_network(row.ip)
            if network.version != address.version or address not in network:
                continue
            if row.severity == "sign_up_requires_approval":
                verdict.approval = True
            else:  # sign_up_block, no_access
                verdict.ip_refused = True
    return verdict
