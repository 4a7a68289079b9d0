"""Writes for OAuth: authorization codes, and issuing, refreshing and revoking access
tokens (registering apps is roost.oauth.apps)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

import sqlalchemy as sa

from roost.accounts.tables import accounts, users
from roost.db import Database, Transaction
from roost.errors import RoostError
from roost.ids import new_id
from roost.oauth.queries import TOKEN_CHANNEL, Login, OAuthApp, token_hash
from roost.oauth.scopes import covers_all, parse_scopes, unknown_scopes
from roost.oauth.tables import oauth_codes, tokens
from roost.pubsub import Event, encode_event
from roost.push.actions import drop_token_subscriptions
from roost.timeutil import utcnow

CODE_TTL = timedelta(minutes=10)
# RFC 7636: verifiers (and S256 challenges) are 43 to 128 unreserved characters.
PKCE_RE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


class OAuthError(RoostError):
    """An RFC 6749 error: `error` is the RFC code, `message` its human description."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description, status=status)
        self.error = error


def invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description)


@dataclass(frozen=True)
class IssuedToken:
    id: int
    access_token: str
    refresh_token: str | None
    scopes: str
    created_at: int  # unix seconds, as /oauth/token reports it


def revoked(tx: Transaction, token_id: int, hashed: str) -> None:
    """Once `tx` commits: every process forgets the token, and its open streams end."""
    tx.publish(TOKEN_CHANNEL, hashed.encode())
    tx.publish(f"timeline:access_token:{token_id}", encode_event(Event(event="kill")))


async def revoke_tokens(
    tx: Transaction, *where: sa.ColumnElement[bool], now: Any = None
) -> list[str]:
    """Revoke the unrevoked tokens matching `where` (and their refresh tokens) inside `tx`,
    telling every process once it commits (`revoked`); returns their hashes."""
    ended = await tx.fetch_all(
        sa.update(tokens)
        .where(*where, tokens.c.revoked_at.is_(None))
        .values(revoked_at=now or utcnow(), refresh_hash=None)
        .returning(tokens.c.id, tokens.c.token_hash)
    )
    for row in ended:
        revoked(tx, row.id, str(row.token_hash))
    await drop_token_subscriptions(tx, [row.id for row in ended])  # Mastodon drops them too
    return [str(row.token_hash) for row in ended]


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
    created_at = int(now.replace(tzinfo=UTC).timestamp())  # `now` is naive UTC
    return IssuedToken(token_id, access, refresh_token, scopes, created_at)


async def do_create_token(
    db: Database, *, account_id: int | None, app_id: int | None, scopes: str
) -> IssuedToken:
    """Issue a token in its own transaction (`roost tokens create`, tests)."""
    async with db.transaction() as tx:
        return await issue_token(tx, account_id=account_id, app_id=app_id, scopes=scopes)


# --- Registering apps ---------------------------------------------------------------


# --- Authorization codes --------------------------------------------------------------


def pkce_s256(verifier: str) -> str:
    """RFC 7636 S256: base64url(sha256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def login_problem(login: Login) -> str | None:
    """Why this (correctly authenticated) user may not authorize apps, if they may not."""
    if login.suspended:
        return "This account is suspended."
    if login.disabled:
        return "This account is disabled."
    if not login.approved:
        return "This account is still waiting for approval by the moderators."
    return None


async def do_create_code(
    db: Database,
    *,
    app: OAuthApp,
    account_id: int,
    redirect_uri: str,
    scopes: list[str],
    code_challenge: str | None,
) -> str:
    """Create a single-use authorization code, valid for 10 minutes. Only its hash is
    stored. Expired codes are swept here: the table only ever holds a few minutes' worth."""
    code = secrets.token_urlsafe(32)
    now = utcnow()
    async with db.transaction() as tx:
        await tx.execute(sa.delete(oauth_codes).where(oauth_codes.c.expires_at < now))
        await tx.execute(
            oauth_codes.insert().values(
                code_hash=token_hash(code),
                app_id=app.id,
                account_id=account_id,
                redirect_uri=redirect_uri,
                scopes=" ".join(scopes),
                code_challenge=code_challenge,
                code_challenge_method="S256" if code_challenge else None,
                expires_at=now + CODE_TTL,
            )
        )
    return code


async def _account_usable(tx: Transaction, account_id: int) -> bool:
    row = await tx.fetch_one(
        sa.select(users.c.approved, users.c.disabled, accounts.c.suspended_at)
        .select_from(users.join(accounts, accounts.c.id == users.c.account_id))
        .where(users.c.account_id == account_id)
    )
    return row is not None and bool(row.approved) and not row.disabled and row.suspended_at is None


async def do_exchange_code(
    db: Database,
    *,
    app: OAuthApp,
    code: str,
    redirect_uri: str,
    code_verifier: str | None,
) -> IssuedToken:
    """Trade an authorization code for an access and a refresh token (grant_type
    authorization_code). The code works once; PKCE is verified when a challenge was given."""
    key = token_hash(code)
    now = utcnow()
    async with db.transaction() as tx:
        row = await tx.fetch_one(sa.select(oauth_codes).where(oauth_codes.c.code_hash == key))
        if row is None or row.app_id != app.id:
            raise invalid_grant("The authorization code is invalid")
        if row.used_at is not None:
            raise invalid_grant("The authorization code has already been used")
        if row.expires_at <= now:
            raise invalid_grant("The authorization code has expired")
        if row.redirect_uri != redirect_uri:
            raise invalid_grant("The redirect_uri does not match the authorization request")
        if row.code_challenge:
            if not code_verifier or not PKCE_RE.match(code_verifier):
                raise invalid_grant("A valid code_verifier is required")
            if not hmac.compare_digest(pkce_s256(code_verifier), row.code_challenge):
                raise invalid_grant("The code_verifier does not match the code_challenge")
        elif code_verifier:
            # OAuth 2.1: a verifier without a stored challenge means a downgraded request.
            raise invalid_grant("No code_challenge was given in the authorization request")
        if not await _account_usable(tx, row.account_id):
            raise invalid_grant("The account cannot sign in")
        result = await tx.execute(
            sa.update(oauth_codes)
            .where(oauth_codes.c.code_hash == key, oauth_codes.c.used_at.is_(None))
            .values(used_at=now)
        )
        if result.rowcount != 1:
            raise invalid_grant("The authorization code has already been used")
        return await issue_token(
            tx, account_id=row.account_id, app_id=app.id, scopes=row.scopes, refresh=True
        )


# --- Other grants and revocation ----------------------------------------------------------


def check_token_scopes(app: OAuthApp, text: str | None) -> list[str]:
    """Scopes a token request asks for: known, and covered by what the app registered."""
    scopes = parse_scopes(text)
    if unknown_scopes(scopes) or not covers_all(app.scopes, scopes):
        raise OAuthError(
            "invalid_scope",
            "The requested scope is invalid, unknown, or not registered for this application",
        )
    return scopes


async def do_client_credentials(db: Database, *, app: OAuthApp, scope: str | None) -> IssuedToken:
    """An app-only token (no account, no refresh token) for grant_type client_credentials."""
    scopes = check_token_scopes(app, scope)
    async with db.transaction() as tx:
        return await issue_token(tx, account_id=None, app_id=app.id, scopes=" ".join(scopes))


async def do_password_token(
    db: Database, *, app: OAuthApp, login: Login, scope: str | None
) -> IssuedToken:
    """A user token for grant_type password; the caller has verified the password."""
    scopes = check_token_scopes(app, scope)
    problem = login_problem(login)
    if problem:
        raise invalid_grant(problem)
    async with db.transaction() as tx:
        return await issue_token(
            tx, account_id=login.account_id, app_id=app.id, scopes=" ".join(scopes), refresh=True
        )


async def do_refresh_token(
    db: Database, *, app: OAuthApp, refresh_token: str, scope: str | None
) -> tuple[IssuedToken, str]:
    """Rotate a refresh token: a new access and refresh token replace the old pair, which is
    revoked (as Doorkeeper does by default). Returns the new token and the old token's hash,
    for the caller to drop from the token cache."""
    now = utcnow()
    async with db.transaction() as tx:
        row = await tx.fetch_one(
            sa.select(tokens).where(
                tokens.c.refresh_hash == token_hash(refresh_token), tokens.c.revoked_at.is_(None)
            )
        )
        if row is None or row.app_id != app.id:
            raise invalid_grant("The refresh token is invalid")
        scopes = row.scopes.split()
        if scope is not None and scope.strip():
            wanted = parse_scopes(scope)
            if unknown_scopes(wanted) or not covers_all(scopes, wanted):
                raise OAuthError("invalid_scope", "The requested scope exceeds the original grant")
            scopes = wanted
        if row.account_id is not None and not await _account_usable(tx, row.account_id):
            raise invalid_grant("The account cannot sign in")
        if not await revoke_tokens(tx, tokens.c.id == row.id, now=now):
            raise invalid_grant("The refresh token is invalid")
        issued = await issue_token(
            tx, account_id=row.account_id, app_id=app.id, scopes=" ".join(scopes), refresh=True
        )
    return issued, str(row.token_hash)


async def do_revoke_token(db: Database, *, app: OAuthApp, token: str) -> str | None:
    """Revoke an access token (or the pair a refresh token belongs to). Unknown tokens are
    ignored (RFC 7009); another app's token is refused. Returns the access token's hash, for
    the caller to drop from the token cache."""
    key = token_hash(token)
    async with db.transaction() as tx:
        row = await tx.fetch_one(
            sa.select(tokens.c.id, tokens.c.app_id, tokens.c.token_hash, tokens.c.revoked_at).where(
                sa.or_(tokens.c.token_hash == key, tokens.c.refresh_hash == key)
            )
        )
        if row is None:
            return None
        if row.app_id != app.id:
            raise OAuthError(
                "unauthorized_client", "You are not authorized to revoke this token", status=403
            )
        if row.revoked_at is None:
            await revoke_tokens(tx, tokens.c.id == row.id)
    return str(row.token_hash)
