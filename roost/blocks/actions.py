"""Blocking sign-ups: email domains, canonical email addresses and IP ranges (`manage_blocks`).
Each change is one transaction with its audit-log entry; IP block changes also tell every
process to reload its list of refused addresses (roost.blocks.ip_access)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from roost.blocks.check import canonical_email_hash, clean_domain, clean_hash, clean_network
from roost.blocks.entities import IP_SEVERITIES
from roost.blocks.ip_access import IP_BLOCKS_CHANNEL
from roost.blocks.queries import CANONICAL_EMAIL, EMAIL_DOMAIN, IP, Kind
from roost.blocks.tables import ip_blocks
from roost.db import Database, Transaction
from roost.errors import Invalid, NotFound
from roost.ids import new_id
from roost.moderation.audit import record
from roost.moderation.staff import Staff, check_can
from roost.timeutil import utcnow

MAX_COMMENT = 1000
MAX_EXPIRES_IN = 100 * 365 * 86400  # seconds; far enough to mean "for good"
KEEP: Any = object()  # an update leaves this value as it is


async def insert_unique(
    db: Database, actor: Staff, kind: Kind, values: dict[str, Any], taken: str, summary: str
) -> int:
    """Insert one block row (new id, now) with its audit entry; 422 `taken` when its unique
    column already holds the value (checked first, and again by the constraint)."""
    check_can(actor, kind.permission)
    block_id = new_id()
    try:
        async with db.transaction() as tx:
            (column, value), *_ = values.items()
            if await tx.scalar(sa.select(kind.table.c.id).where(kind.table.c[column] == value)):
                raise Invalid(taken)
            await tx.execute(kind.table.insert().values(id=block_id, created_at=utcnow(), **values))
            await record(tx, actor.account_id, f"create_{_snake(kind)}", kind.target_type,
                         block_id, summary)  # fmt: skip
            _after_change(tx, kind)
    except IntegrityError as exc:  # a concurrent request added the same one first
        raise Invalid(taken) from exc
    return block_id


async def delete_block(db: Database, actor: Staff, kind: Kind, block_id: int) -> None:
    """Remove one block (NotFound for an unknown id), with its audit entry."""
    check_can(actor, kind.permission)
    async with db.transaction() as tx:
        row = await tx.fetch_one(sa.select(kind.table).where(kind.table.c.id == block_id))
        if row is None:
            raise NotFound()
        await tx.execute(kind.table.delete().where(kind.table.c.id == block_id))
        await record(tx, actor.account_id, f"destroy_{_snake(kind)}", kind.target_type,
                     block_id, _identifier(row))  # fmt: skip
        _after_change(tx, kind)


def _snake(kind: Kind) -> str:
    """EmailDomainBlock → email_domain_block, as Mastodon names its audit actions."""
    name = kind.target_type
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _identifier(row: Any) -> str:
    """What the audit log shows of a block (Mastodon's to_log_human_identifier)."""
    for column in ("domain", "ip", "canonical_email_hash"):
        if column in row._fields:
            return str(getattr(row, column))
    return str(row.id)


def _after_change(tx: Transaction, kind: Kind) -> None:
    if kind is IP:
        tx.publish(IP_BLOCKS_CHANNEL, b"changed")


async def do_block_email_domain(
    db: Database, actor: Staff, domain: str, *, allow_with_approval: bool = False
) -> int:
    """Refuse sign-ups with addresses at `domain` or any of its subdomains (or, with
    `allow_with_approval`, make them wait for a moderator). Its id."""
    clean = clean_domain(domain)
    return await insert_unique(
        db, actor, EMAIL_DOMAIN, {"domain": clean, "allow_with_approval": allow_with_approval},
        "Domain has already been taken", clean,
    )  # fmt: skip


async def do_unblock_email_domain(db: Database, actor: Staff, block_id: int) -> None:
    """Allow sign-ups from that email domain again."""
    await delete_block(db, actor, EMAIL_DOMAIN, block_id)


async def do_block_canonical_email(
    db: Database, actor: Staff, *, email: str | None = None, email_hash: str | None = None
) -> int:
    """Refuse sign-ups whose address is, once canonical, this `email` (or has this hash):
    `a.b+x@Example.com` blocks `ab@example.com`. Its id."""
    if email and email.strip():
        if "@" not in email:
            raise Invalid("Email is invalid")
        digest = canonical_email_hash(email)
    elif email_hash and email_hash.strip():
        digest = clean_hash(email_hash)
    else:
        raise Invalid("Canonical email hash can't be blank")
    return await insert_unique(
        db, actor, CANONICAL_EMAIL, {"canonical_email_hash": digest},
        "Canonical email hash has already been taken", digest,
    )  # fmt: skip


async def do_unblock_canonical_email(db: Database, actor: Staff, block_id: int) -> None:
    """Allow that canonical address to sign up again."""
    await delete_block(db, actor, CANONICAL_EMAIL, block_id)


def _ip_values(ip: Any, severity: Any, comment: Any, expires_in: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if ip is not KEEP:
        values["ip"] = str(clean_network(str(ip or "")))
    if severity is not KEEP:
        if severity not in IP_SEVERITIES:
            raise Invalid("Severity is not included in the list")
        values["severity"] = severity
    if comment is not KEEP:
        if len(comment or "") > MAX_COMMENT:
            raise Invalid(f"Comment is too long (maximum is {MAX_COMMENT} characters)")
        values["comment"] = comment or ""
    if expires_in is not KEEP:
        if expires_in is not None and not 0 < expires_in <= MAX_EXPIRES_IN:
            raise Invalid("Expires in must be a positive number of seconds")
        values["expires_at"] = (
            None if expires_in is None else utcnow() + timedelta(seconds=expires_in)
        )
    return values


async def do_block_ip(
    db: Database,
    actor: Staff,
    ip: str,
    severity: str,
    *,
    comment: str = "",
    expires_in: int | None = None,
) -> int:
    """Limit an address or CIDR range: sign-ups wait for approval
    (`sign_up_requires_approval`), are refused (`sign_up_block`), or every request is
    refused (`no_access`); for `expires_in` seconds, or for good. Its id."""
    check_can(actor, IP.permission)
    values = _ip_values(ip, severity, comment, expires_in)
    block_id = new_id()
    async with db.transaction() as tx:
        await tx.execute(ip_blocks.insert().values(id=block_id, created_at=utcnow(), **values))
        await record(tx, actor.account_id, "create_ip_block", IP.target_type, block_id,
                     f"{values['ip']} {severity}")  # fmt: skip
        _after_change(tx, IP)
    return block_id


async def do_update_ip_block(
    db: Database,
    actor: Staff,
    block_id: int,
    *,
    ip: Any = KEEP,
    severity: Any = KEEP,
    comment: Any = KEEP,
    expires_in: Any = KEEP,
) -> None:
    """Change what an IP block covers or does; values left as KEEP stay, `expires_in`
    None makes it permanent."""
    check_can(actor, IP.permission)
    values = _ip_values(ip, severity, comment, expires_in)
    async with db.transaction() as tx:
        row = await tx.fetch_one(sa.select(ip_blocks).where(ip_blocks.c.id == block_id))
        if row is None:
            raise NotFound()
        if values:
            await tx.execute(ip_blocks.update().where(ip_blocks.c.id == block_id).values(**values))
        summary = f"{values.get('ip', row.ip)} {values.get('severity', row.severity)}"
        await record(tx, actor.account_id, "update_ip_block", IP.target_type, block_id, summary)
        _after_change(tx, IP)


async def do_unblock_ip(db: Database, actor: Staff, block_id: int) -> None:
    """Lift an IP block."""
    await delete_block(db, actor, IP, block_id)
