"""The audit log: every staff action, who took it, on what, when and why.

Each moderation action writes its entry with `record` in its own transaction, so the log
holds exactly what was done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from roost.accounts.tables import accounts
from roost.db import Database, Transaction
from roost.ids import new_id
from roost.moderation.staff import Staff, check_can
from roost.moderation.tables import audit_log
from roost.timeutil import utcnow

MAX_SUMMARY = 1000


async def record(
    tx: Transaction,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: int,
    summary: str = "",
) -> None:
    """Log that `actor_id` took `action` (e.g. `resolve_report`) on `target_type`
    `target_id` (e.g. `Report`, `Account`), with the reason given, in `tx`."""
    await tx.execute(
        audit_log.insert().values(
            id=new_id(),
            account_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            summary=summary[:MAX_SUMMARY],
            created_at=utcnow(),
        )
    )


@dataclass(frozen=True)
class AuditEntry:
    id: int
    username: str | None  # the actor's, None once their account is gone
    action: str
    target_type: str
    target_id: int
    summary: str
    created_at: datetime


_ENTRIES = sa.select(audit_log, accounts.c.username).select_from(
    audit_log.outerjoin(accounts, accounts.c.id == audit_log.c.account_id)
)


async def access_audit_log(
    db: Database,
    actor: Staff,
    *,
    target: tuple[str, int] | None = None,
    max_id: int | None = None,
    limit: int = 50,
) -> list[AuditEntry]:
    """The newest entries (those older than `max_id`; only about `target`, a (type, id),
    when given), for staff who may view the audit log (one query)."""
    check_can(actor, "view_audit_log")
    query = _ENTRIES
    if target is not None:
        query = query.where(
            audit_log.c.target_type == target[0], audit_log.c.target_id == target[1]
        )
    if max_id is not None:
        query = query.where(audit_log.c.id < max_id)
    rows: list[Any] = list(await db.fetch_all(query.order_by(audit_log.c.id.desc()).limit(limit)))
    return [
        AuditEntry(r.id, r.username, r.action, r.target_type, r.target_id, r.summary, r.created_at)
        for r in rows
    ]
