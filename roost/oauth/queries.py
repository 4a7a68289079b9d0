"""Who is calling: bearer token → viewer, cached briefly in-process (the auth hot path)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import sqlalchemy as sa

from roost.accounts.tables import accounts, users
from roost.db import Database
from roost.oauth.tables import apps, tokens


@dataclass(frozen=True)
class Viewer:
    """The caller of a request: a user's token, or an app-only token (account_id None)."""

    token_id: int
    account_id: int | None
    app_id: int | None
    scopes: frozenset[str]
    admin: bool = False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenCache:
    """token hash → Viewer for a few seconds, so most requests do no auth query.

    Revocation in this process drops the entry at once; other processes see it within
    `ttl` seconds (the scale-out issue replaces this with pub/sub invalidation).
    """

    def __init__(self, ttl: float = 5.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: dict[str, tuple[float, Viewer | None]] = {}

    def get(self, key: str) -> tuple[bool, Viewer | None]:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def put(self, key: str, viewer: Viewer | None) -> None:
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.ttl, viewer)

    def drop(self, key: str) -> None:
        self._entries.pop(key, None)

    def drop_account(self, account_id: int) -> None:
        for key, (_, viewer) in list(self._entries.items()):
            if viewer is not None and viewer.account_id == account_id:
                del self._entries[key]

    def clear(self) -> None:
        self._entries.clear()


_token_query = (
    sa.select(
        tokens.c.id,
        tokens.c.account_id,
        tokens.c.app_id,
        tokens.c.scopes,
        users.c.admin,
        users.c.approved,
        accounts.c.suspended_at,
    )
    .select_from(
        tokens.outerjoin(users, users.c.account_id == tokens.c.account_id).outerjoin(
            accounts, accounts.c.id == tokens.c.account_id
        )
    )
    .where(tokens.c.token_hash == sa.bindparam("h"), tokens.c.revoked_at.is_(None))
)


async def access_viewer(db: Database, cache: TokenCache, token: str) -> Viewer | None:
    """The viewer a bearer token stands for, or None for an unknown or revoked token."""
    key = token_hash(token)
    hit, viewer = cache.get(key)
    if hit:
        return viewer
    row = await db.fetch_one(_token_query.params(h=key))
    viewer = None
    if row is not None and not (
        row.account_id is not None and (row.suspended_at is not None or not row.approved)
    ):
        viewer = Viewer(
            token_id=row.id,
            account_id=row.account_id,
            app_id=row.app_id,
            scopes=frozenset(row.scopes.split()),
            admin=bool(row.admin),
        )
    cache.put(key, viewer)
    return viewer


async def access_app_by_client_id(db: Database, client_id: str) -> sa.Row[object] | None:
    return await db.fetch_one(sa.select(apps).where(apps.c.client_id == client_id))
