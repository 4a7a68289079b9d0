"""The federation policy towards other servers (`manage_federation`): domain blocks
(silence, suspend, or only reject media or reports) and domain allows.

Every account is local so far: these are stored, listed and audited now, and federation
applies them when it comes; nothing local changes when one is added."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from roost.blocks.actions import KEEP, delete_block, insert_unique
from roost.blocks.check import clean_domain, parent_domains
from roost.blocks.entities import DOMAIN_SEVERITIES
from roost.blocks.queries import DOMAIN_ALLOW, DOMAIN_BLOCK
from roost.blocks.tables import domain_allows, domain_blocks
from roost.db import Database
from roost.db.prepared import any_of
from roost.errors import Invalid, NotFound, RoostError
from roost.moderation.audit import record
from roost.moderation.staff import Staff, check_can

MAX_COMMENT = 1000


class DomainAlreadyBlocked(RoostError):
    """422: a block on this domain (or a domain it belongs to) exists; Mastodon answers
    with that block beside the error, so an admin tool can offer to edit it instead."""

    def __init__(self, existing: Any) -> None:
        super().__init__(
            f"You have already imposed stricter limits on {existing.domain}.", status=422
        )
        self.existing = existing


def _policy(
    severity: Any, reject_media: Any, reject_reports: Any, private_comment: Any,
    public_comment: Any, obfuscate: Any,
) -> dict[str, Any]:  # fmt: skip
    given = {
        "severity": severity, "reject_media": reject_media, "reject_reports": reject_reports,
        "private_comment": private_comment, "public_comment": public_comment,
        "obfuscate": obfuscate,
    }  # fmt: skip
    values = {k: v for k, v in given.items() if v is not KEEP}
    if "severity" in values and values["severity"] not in DOMAIN_SEVERITIES:
        raise Invalid("Severity is not included in the list")
    for name in ("private_comment", "public_comment"):
        if len(values.get(name) or "") > MAX_COMMENT:
            raise Invalid(f"{name} is too long (maximum is {MAX_COMMENT} characters)")
    for name in ("reject_media", "reject_reports", "obfuscate"):
        if name in values:
            values[name] = bool(values[name])
    return values


async def do_block_domain(
    db: Database,
    actor: Staff,
    domain: str,
    *,
    severity: str | None = None,
    reject_media: bool = False,
    reject_reports: bool = False,
    private_comment: str | None = None,
    public_comment: str | None = None,
    obfuscate: bool = False,
) -> int:
    """Limit a server (and its subdomains): `silence` (the default, as Mastodon),
    `suspend`, or `noop` with only media or reports rejected. DomainAlreadyBlocked when it
    or a domain it belongs to is already blocked. Its id."""
    check_can(actor, DOMAIN_BLOCK.permission)
    clean = clean_domain(domain)
    values = _policy(severity or "silence", reject_media, reject_reports, private_comment,
                     public_comment, obfuscate)  # fmt: skip
    existing = await db.fetch_one(
        sa.select(domain_blocks)
        .where(any_of(domain_blocks.c.domain, "domains", text=True))
        .order_by(sa.func.length(domain_blocks.c.domain).desc())
        .limit(1),
        {"domains": parent_domains(clean)},
    )
    if existing is not None:
        raise DomainAlreadyBlocked(existing)
    try:
        return await insert_unique(
            db, actor, DOMAIN_BLOCK, {"domain": clean, **values},
            "Domain has already been taken", f"{clean} {values['severity']}",
        )  # fmt: skip
    except Invalid:
        found = await db.fetch_one(sa.select(domain_blocks).where(domain_blocks.c.domain == clean))
        if found is None:
            raise
        raise DomainAlreadyBlocked(found) from None


async def do_update_domain_block(
    db: Database,
    actor: Staff,
    block_id: int,
    *,
    severity: Any = KEEP,
    reject_media: Any = KEEP,
    reject_reports: Any = KEEP,
    private_comment: Any = KEEP,
    public_comment: Any = KEEP,
    obfuscate: Any = KEEP,
) -> None:
    """Change a domain block's policy (its domain stays); values left as KEEP stay."""
    check_can(actor, DOMAIN_BLOCK.permission)
    values = _policy(severity, reject_media, reject_reports, private_comment, public_comment,
                     obfuscate)  # fmt: skip
    async with db.transaction() as tx:
        row = await tx.fetch_one(sa.select(domain_blocks).where(domain_blocks.c.id == block_id))
        if row is None:
            raise NotFound()
        if values:
            await tx.execute(
                domain_blocks.update().where(domain_blocks.c.id == block_id).values(**values)
            )
        summary = f"{row.domain} {values.get('severity', row.severity)}"
        await record(tx, actor.account_id, "update_domain_block", DOMAIN_BLOCK.target_type,
                     block_id, summary)  # fmt: skip


async def do_unblock_domain(db: Database, actor: Staff, block_id: int) -> None:
    """Lift a domain block."""
    await delete_block(db, actor, DOMAIN_BLOCK, block_id)


async def do_allow_domain(db: Database, actor: Staff, domain: str) -> int:
    """Allow a server to federate (for allow-list federation); the existing allow's id
    when it is already allowed, as Mastodon."""
    check_can(actor, DOMAIN_ALLOW.permission)
    clean = clean_domain(domain)
    query = sa.select(domain_allows.c.id).where(domain_allows.c.domain == clean)
    found = await db.scalar(query)
    if found is not None:
        return int(found)
    try:
        return await insert_unique(
            db, actor, DOMAIN_ALLOW, {"domain": clean}, "Domain has already been taken", clean
        )
    except Invalid:
        found = await db.scalar(query)
        if found is None:
            raise
        return int(found)


async def do_disallow_domain(db: Database, actor: Staff, allow_id: int) -> None:
    """Take a domain off the allow list."""
    await delete_block(db, actor, DOMAIN_ALLOW, allow_id)
