"""Who is calling: bearer token → viewer, cached briefly in-process (the auth hot path);
OAuth apps, and the user a login form names."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from roost.accounts.passwords import hash_password_async, verify_password
from roost.accounts.roles import ADMIN_ROLES, can
from roost.accounts.tables import accounts, users
from roost.db import Database
from roost.oauth.entities import Application, CredentialApplication
from roost.oauth.tables import apps, tokens


@dataclass(frozen=True)
class Viewer:
    """The caller of a request: a user's token, or an app-only token (account_id None)."""

    token_id: int
    account_id: int | None
    app_id: int | None
    scopes: frozenset[str]
    role: str | None = None  # the user's staff role (roost.accounts.roles); None: none
    active_at: datetime | None = None  # the user's last_active_at when the token was read

    @property
    def admin(self) -> bool:
        """Whether the user is an owner or admin."""
        return self.role in ADMIN_ROLES

    def can(self, permission: str) -> bool:
        """Whether the user's role grants `permission` (`manage_reports`, ...); an app-only
        token has none."""
        return self.account_id is not None and can(self.role, permission)


# Revocations are published here so every process drops the token from its cache at once.
TOKEN_CHANNEL = "internal:tokens"


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
        users.c.role,
        users.c.approved,
        users.c.disabled,
        users.c.last_active_at,
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
    row = await db.fetch_one(_token_query, {"h": key})
    viewer = None
    if row is not None and not (
        row.account_id is not None
        and (row.suspended_at is not None or not row.approved or row.disabled)
    ):
        viewer = Viewer(
            token_id=row.id,
            account_id=row.account_id,
            app_id=row.app_id,
            scopes=frozenset(row.scopes.split()),
            role=row.role,
            active_at=row.last_active_at,
        )
    cache.put(key, viewer)
    return viewer


async def access_app_by_client_id(db: Database, client_id: str) -> sa.Row[object] | None:
    """The raw apps row for a client_id (prefer `access_client`, which returns an OAuthApp)."""
    return await db.fetch_one(sa.select(apps).where(apps.c.client_id == client_id))


@dataclass(frozen=True)
class OAuthApp:
    """A registered OAuth application (client)."""

    id: int
    name: str
    website: str | None
    redirect_uris: list[str]
    scopes: list[str]
    client_id: str
    client_secret: str


def _oauth_app(row: sa.Row[Any]) -> OAuthApp:
    return OAuthApp(
        id=row.id,
        name=row.name,
        website=row.website,
        redirect_uris=row.redirect_uris.split(),
        scopes=row.scopes.split(),
        client_id=row.client_id,
        client_secret=row.client_secret,
    )


def application_entity(app: OAuthApp) -> Application:
    """The public Application entity (no client credentials)."""
    return Application(
        id=str(app.id),
        name=app.name,
        website=app.website,
        scopes=app.scopes,
        redirect_uri="\n".join(app.redirect_uris),
        redirect_uris=app.redirect_uris,
    )


def credential_application_entity(app: OAuthApp) -> CredentialApplication:
    """The CredentialApplication entity, shown once when the app registers."""
    return CredentialApplication(
        id=str(app.id),
        name=app.name,
        website=app.website,
        scopes=app.scopes,
        redirect_uri="\n".join(app.redirect_uris),
        redirect_uris=app.redirect_uris,
        client_id=app.client_id,
        client_secret=app.client_secret,
    )


async def access_app(db: Database, app_id: int) -> OAuthApp | None:
    """The app with this id, or None."""
    row = await db.fetch_one(sa.select(apps).where(apps.c.id == app_id))
    return _oauth_app(row) if row is not None else None


async def access_client(db: Database, client_id: str) -> OAuthApp | None:
    """The app a `client_id` names, or None (client_id is not secret)."""
    if not client_id or len(client_id) > 64:
        return None
    row = await db.fetch_one(sa.select(apps).where(apps.c.client_id == client_id))
    return _oauth_app(row) if row is not None else None


async def authenticate_client(db: Database, client_id: str, client_secret: str) -> OAuthApp | None:
    """The app whose credentials these are, or None. The secret is compared in constant time."""
    app = await access_client(db, client_id)
    if app is None or not hmac.compare_digest(app.client_secret.encode(), client_secret.encode()):
        return None
    return app


@dataclass(frozen=True)
class Login:
    """A local user as a login form or the password grant sees it."""

    account_id: int
    username: str
    password_hash: str
    approved: bool
    suspended: bool
    disabled: bool = False  # by a moderator (roost.moderation.account_actions)


async def access_login(db: Database, login: str) -> Login | None:
    """The user that `login` names: an email address, or a username (a leading `@` is fine)."""
    login = login.strip()
    if not login or len(login) > 320:
        return None
    if "@" in login[1:]:
        where = users.c.email_lower == login.lower()
    else:
        where = accounts.c.username_lower == login.removeprefix("@").lower()
    row = await db.fetch_one(
        sa.select(
            users.c.account_id,
            users.c.password_hash,
            users.c.approved,
            users.c.disabled,
            accounts.c.username,
            accounts.c.suspended_at,
        )
        .select_from(users.join(accounts, accounts.c.id == users.c.account_id))
        .where(where)
    )
    if row is None:
        return None
    return Login(
        account_id=row.account_id,
        username=row.username,
        password_hash=row.password_hash,
        approved=bool(row.approved),
        suspended=row.suspended_at is not None,
        disabled=bool(row.disabled),
    )


_dummy_hash: str | None = None


async def authenticate_user(db: Database, login: str, password: str) -> Login | None:
    """The user whose login (username or email) and password these are, or None. Whether
    they may sign in (approved, not suspended) is the caller's next question."""
    global _dummy_hash
    user = await access_login(db, login)
    if user is None:
        # Verify anyway, so the response time does not tell which names exist.
        _dummy_hash = _dummy_hash or await hash_password_async("not-a-real-password")
        await verify_password(_dummy_hash, password)
        return None
    return user if await verify_password(user.password_hash, password) else None
