"""The account's live tokens: web sessions (no app) and the apps it authorised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from roost.db import Database
from roost.errors import NotFound
from roost.oauth.actions import revoke_tokens
from roost.oauth.tables import apps, tokens


@dataclass(frozen=True)
class Session:
    """A live token of the account: a web session when `app_name` is None."""

    id: int
    app_name: str | None
    website: str | None
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None


_SESSIONS = (
    sa.select(
        tokens.c.id,
        tokens.c.scopes,
        tokens.c.created_at,
        tokens.c.last_used_at,
        apps.c.name,
        apps.c.website,
    )
    .select_from(tokens.outerjoin(apps, apps.c.id == tokens.c.app_id))
    .where(tokens.c.account_id == sa.bindparam("account_id"), tokens.c.revoked_at.is_(None))
    .order_by(tokens.c.id.desc())
    .limit(500)
)


async def access_sessions(db: Database, account_id: int) -> list[Session]:
    """The account's live tokens, newest first (one query)."""
    rows = await db.fetch_all(_SESSIONS, {"account_id": account_id})
    return [
        Session(
            id=r.id,
            app_name=r.name,
            website=r.website,
            scopes=r.scopes.split(),
            created_at=r.created_at,
            last_used_at=r.last_used_at,
        )
        for r in rows
    ]


async def do_revoke_session(db: Database, account_id: int, token_id: int) -> list[str]:
    """End one of the account's sessions or app authorisations: every process forgets the
    token once this commits, and its open streams end. NotFound for another's token.
    Returns the revoked token hashes, for the caller to drop from its own cache at once."""
    async with db.transaction() as tx:
        ended = await revoke_tokens(tx, tokens.c.id == token_id, tokens.c.account_id == account_id)
    if not ended:
        raise NotFound()
    return ended
