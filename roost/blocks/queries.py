"""Reading the instance's blocks, for staff who manage them (`manage_blocks`; domain blocks
and allows: `manage_federation`), and rendering them as Mastodon's Admin entities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from roost.blocks.check import clean_network, domain_digest
from roost.blocks.entities import (
    AdminCanonicalEmailBlock,
    AdminDomainAllow,
    AdminDomainBlock,
    AdminEmailDomainBlock,
    AdminIpBlock,
)
from roost.blocks.tables import (
    canonical_email_blocks,
    domain_allows,
    domain_blocks,
    email_domain_blocks,
    ip_blocks,
)
from roost.db import Database
from roost.errors import NotFound
from roost.moderation.staff import Staff, check_can
from roost.timeutil import iso, iso_or_none


@dataclass(frozen=True)
class Kind:
    """One kind of block: its table, the permission that guards it, and its name in the
    audit log (Mastodon's model name)."""

    table: sa.Table
    permission: str
    target_type: str


EMAIL_DOMAIN = Kind(email_domain_blocks, "manage_blocks", "EmailDomainBlock")
CANONICAL_EMAIL = Kind(canonical_email_blocks, "manage_blocks", "CanonicalEmailBlock")
IP = Kind(ip_blocks, "manage_blocks", "IpBlock")
DOMAIN_BLOCK = Kind(domain_blocks, "manage_federation", "DomainBlock")
DOMAIN_ALLOW = Kind(domain_allows, "manage_federation", "DomainAllow")


@dataclass(frozen=True)
class Paging:
    """Mastodon's id paging: newest first, or oldest first after `min_id`."""

    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = 100


async def access_blocks(db: Database, actor: Staff, kind: Kind, paging: Paging) -> list[Any]:
    """A page of one kind's rows, newest first, for staff allowed to manage them."""
    check_can(actor, kind.permission)
    table = kind.table
    query = sa.select(table)
    if paging.max_id is not None:
        query = query.where(table.c.id < paging.max_id)
    if paging.since_id is not None:
        query = query.where(table.c.id > paging.since_id)
    if paging.min_id is not None:
        query = query.where(table.c.id > paging.min_id).order_by(table.c.id)
    else:
        query = query.order_by(table.c.id.desc())
    rows = list(await db.fetch_all(query.limit(paging.limit)))
    return sorted(rows, key=lambda r: r.id, reverse=True)


async def access_block(db: Database, actor: Staff, kind: Kind, block_id: int) -> Any:
    """One row of a kind, for staff allowed to manage it; NotFound for an unknown id."""
    check_can(actor, kind.permission)
    row = await db.fetch_one(sa.select(kind.table).where(kind.table.c.id == block_id))
    if row is None:
        raise NotFound()
    return row


async def access_matching_canonical_blocks(
    db: Database, actor: Staff, email_hash: str
) -> list[Any]:
    """The canonical email blocks with this hash (POST .../canonical_email_blocks/test)."""
    check_can(actor, CANONICAL_EMAIL.permission)
    table = canonical_email_blocks
    query = sa.select(table).where(table.c.canonical_email_hash == email_hash)
    return list(await db.fetch_all(query))


def render_email_domain_block(row: Any) -> AdminEmailDomainBlock:
    return AdminEmailDomainBlock(
        id=str(row.id),
        domain=row.domain,
        created_at=iso(row.created_at),
        history=[],
        allow_with_approval=bool(row.allow_with_approval),
    )


def render_canonical_email_block(row: Any) -> AdminCanonicalEmailBlock:
    return AdminCanonicalEmailBlock(id=str(row.id), canonical_email_hash=row.canonical_email_hash)


def render_ip_block(row: Any) -> AdminIpBlock:
    network = clean_network(row.ip)
    return AdminIpBlock(
        id=str(row.id),
        ip=f"{network.network_address}/{network.prefixlen}",
        severity=row.severity,
        comment=row.comment,
        created_at=iso(row.created_at),
        expires_at=iso_or_none(row.expires_at),
    )


def render_domain_block(row: Any) -> AdminDomainBlock:
    return AdminDomainBlock(
        id=str(row.id),
        domain=row.domain,
        digest=domain_digest(row.domain),
        created_at=iso(row.created_at),
        severity=row.severity,
        reject_media=bool(row.reject_media),
        reject_reports=bool(row.reject_reports),
        private_comment=row.private_comment,
        public_comment=row.public_comment,
        obfuscate=bool(row.obfuscate),
    )


def render_domain_allow(row: Any) -> AdminDomainAllow:
    return AdminDomainAllow(id=str(row.id), domain=row.domain, created_at=iso(row.created_at))
