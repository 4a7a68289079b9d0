"""Account warnings (Mastodon's AccountWarning, a "strike"): what a moderator did to an
account and why, written with the action, and the `moderation_warning` notification
that tells the account.

A warning that is told takes its notification's id, so a notification of type
`moderation_warning` finds its warning by its own id, with no column to link them."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from roost.accounts.queries import account_entity
from roost.accounts.tables import accounts
from roost.db import Database, Transaction
from roost.db.prepared import any_of
from roost.ids import new_id
from roost.moderation.entities import AccountWarning
from roost.moderation.tables import account_warnings
from roost.notifications.actions import notify
from roost.timeutil import iso, utcnow

NOTIFICATION_TYPE = "moderation_warning"
_WARNINGS = (
    sa.select(
        account_warnings.c.id.label("warning_id"),
        account_warnings.c.action,
        account_warnings.c.text,
        account_warnings.c.status_ids,
        account_warnings.c.created_at.label("warned_at"),
        accounts,
    )
    .select_from(
        account_warnings.join(accounts, accounts.c.id == account_warnings.c.target_account_id)
    )
    .where(any_of(account_warnings.c.id, "ids"))
)


async def warn(
    tx: Transaction,
    actor_id: int | None,
    target_id: int,
    action: str,
    *,
    text: str = "",
    report_id: int | None = None,
    status_ids: Sequence[int] = (),
    tell: bool = True,
) -> int:
    """Record a warning of `action` on `target_id` in `tx` and, with `tell`, notify the
    account of it (Mastodon's `send_email_notification`). Returns the warning's id."""
    warning_id = None
    if tell:
        # Mastodon's notification comes "from" its recipient: a warning has no sender.
        warning_id = await notify(
            tx, account_id=target_id, from_account_id=target_id, type=NOTIFICATION_TYPE,
            checked=True,
        )  # fmt: skip
    warning_id = warning_id or new_id()
    await tx.execute(
        account_warnings.insert().values(
            id=warning_id,
            account_id=actor_id,
            target_account_id=target_id,
            action=action,
            text=text,
            report_id=report_id,
            status_ids=list(status_ids),
            created_at=utcnow(),
        )
    )
    return warning_id


async def render_warnings(
    db: Database, ids: Sequence[int], base_url: str
) -> dict[int, AccountWarning]:
    """AccountWarning entities by id, with their target accounts (one query)."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await db.fetch_all(_WARNINGS, {"ids": wanted})
    return {
        row.warning_id: AccountWarning(
            id=str(row.warning_id),
            action=row.action,
            text=row.text,
            status_ids=[str(i) for i in row.status_ids] or None,
            target_account=account_entity(row, base_url),
            created_at=iso(row.warned_at),
        )
        for row in rows
    }
