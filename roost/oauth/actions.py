"""Writes for OAuth: issuing and revoking access tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from roost.db import Database, Transaction
from roost.ids import new_id
from roost.oauth.queries import token_hash
from roost.oauth.tables import tokens
from roost.timeutil import utcnow


@dataclass(frozen=True)
class IssuedToken:
    id: int
    access_token: str
    refresh_token: str | None
    scopes: str
    created_at: int  # unix seconds, as /oauth/token reports it


async def issue_token(
    tx: Transaction,
    *,
    account_id: int | None,
    app_id: int | None,
    scopes: str,
    refresh: bool = False,
) -> IssuedToken:
    """Create a token inside `tx`. Only its hash is stored; the caller hands it out once."""
    access = secrets.token_urlsafe(32)
    refresh_token = secrets.token_urlsafe(32) if refresh else None
    now = utcnow()
    token_id = new_id()
    await tx.execute(
        tokens.insert().values(
            id=token_id,
            token_hash=token_hash(access),
            refresh_hash=token_hash(refresh_token) if refresh_token else None,
            app_id=app_id,
            account_id=account_id,
            scopes=scopes,
            created_at=now,
        )
    )
    return IssuedToken(token_id, access, refresh_token, scopes, int(now.timestamp()))


async def do_create_token(
    db: Database, *, account_id: int | None, app_id: int | None, scopes: str
) -> IssuedToken:
    """Issue a token in its own transaction (`roost tokens create`, tests)."""
    async with db.transaction() as tx:
        return await issue_token(tx, account_id=account_id, app_id=app_id, scopes=scopes)
