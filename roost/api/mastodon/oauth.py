"""OAuth 2's token endpoints: /oauth/token and /oauth/revoke.

They are not Mastodon JSON routes: they answer RFC 6749 errors (`{"error":
"invalid_grant", "error_description": ...}`), as Mastodon's Doorkeeper does, so they are
plain Starlette routes in `extra_routes`. The sign-in and consent page, /oauth/authorize,
is a web page (roost.web.views.oauth).
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from urllib.parse import unquote_plus

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from roost.accounts.throttles import TooManySignIns
from roost.errors import RateLimited, RoostError
from roost.http.auth import client_ip, instance_of, rate_limit
from roost.http.params import Params
from roost.http.responses import json_response
from roost.instance import Roost
from roost.oauth.actions import (
    IssuedToken,
    OAuthError,
    do_client_credentials,
    do_exchange_code,
    do_password_token,
    do_refresh_token,
    do_revoke_token,
    invalid_grant,
)
from roost.oauth.entities import Token
from roost.oauth.queries import OAuthApp, authenticate_client
from roost.security.two_factor import two_factor_enabled

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


# --- The token endpoints -----------------------------------------------------------------


def _oauth_error(exc: OAuthError, basic: bool = False) -> Response:
    headers = dict(NO_STORE)
    if exc.status == 401 and basic:
        headers["WWW-Authenticate"] = 'Basic realm="Roost"'
    body = {"error": exc.error, "error_description": exc.message}
    return json_response(body, exc.status, headers=headers)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError are both ValueErrors
        return ("", "")
    client_id, _, secret = decoded.partition(":")
    # RFC 6749 2.3.1: both parts are form-encoded before base64.
    return unquote_plus(client_id), unquote_plus(secret)


async def _client(roost: Roost, request: Request, params: Params) -> OAuthApp:
    """Client authentication: HTTP Basic (client_secret_basic) or body (client_secret_post)."""
    given = _basic_credentials(request) or (
        params.str("client_id") or "",
        params.str("client_secret") or "",
    )
    app = await authenticate_client(roost.db, *given)
    if app is None:
        raise OAuthError(
            "invalid_client",
            "Client authentication failed due to unknown client, no client authentication "
            "included, or unsupported authentication method.",
            status=401,
        )
    return app


async def _password_grant(roost: Roost, request: Request, app: OAuthApp, p: Params) -> IssuedToken:
    if not roost.settings.oauth_password_grant:
        raise OAuthError(
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        )
    name, password = (p.str("username") or "").strip()[:320], p.str("password") or ""
    if not name or not password:
        raise OAuthError("invalid_request", "username and password are required")
    try:
        login = await roost.throttles.sign_in(client_ip(request), name, password)
    except TooManySignIns as exc:
        raise OAuthError("temporarily_unavailable", exc.message, 429) from exc
    if login is None:
        raise invalid_grant("Wrong username, email or password")
    if await two_factor_enabled(roost.db, login.account_id):
        # As Mastodon: the password grant has no step for a code, so it is refused.
        raise invalid_grant("This account requires two-factor authentication")
    return await do_password_token(roost.db, app=app, login=login, scope=p.str("scope"))


async def _grant(roost: Roost, request: Request, app: OAuthApp, p: Params) -> IssuedToken:
    grant_type = p.str("grant_type")
    if grant_type == "authorization_code":
        code, redirect_uri = p.str("code"), p.str("redirect_uri")
        if not code or not redirect_uri:
            raise OAuthError("invalid_request", "code and redirect_uri are required")
        verifier = p.str("code_verifier") or None
        return await do_exchange_code(
            roost.db, app=app, code=code, redirect_uri=redirect_uri, code_verifier=verifier
        )
    if grant_type == "client_credentials":
        return await do_client_credentials(roost.db, app=app, scope=p.str("scope"))
    if grant_type == "refresh_token":
        refresh = p.str("refresh_token")
        if not refresh:
            raise OAuthError("invalid_request", "refresh_token is required")
        issued, old_hash = await do_refresh_token(
            roost.db, app=app, refresh_token=refresh, scope=p.str("scope")
        )
        roost.tokens.drop(old_hash)
        return issued
    if grant_type == "password":
        return await _password_grant(roost, request, app, p)
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required")
    raise OAuthError(
        "unsupported_grant_type",
        "The authorization grant type is not supported by the authorization server.",
    )


GrantRunner = Callable[[Roost, Request, OAuthApp, Params], Awaitable[Response]]


async def _oauth_call(request: Request, run: GrantRunner) -> Response:
    """Parse, authenticate the client, run; answer errors in RFC 6749's shape."""
    roost = instance_of(request)
    basic = request.headers.get("authorization", "")[:6].lower() == "basic "
    try:
        await rate_limit(request, None)
        params = await Params.from_request(request)
        app = await _client(roost, request, params)
        return await run(roost, request, app, params)
    except OAuthError as exc:
        return _oauth_error(exc, basic)
    except RateLimited:
        raise
    except RoostError as exc:  # unreadable body, a file where text was expected
        return _oauth_error(OAuthError("invalid_request", exc.message), basic)


async def _issue(roost: Roost, request: Request, app: OAuthApp, params: Params) -> Response:
    issued = await _grant(roost, request, app, params)
    body = Token(
        access_token=issued.access_token,
        token_type="Bearer",
        scope=issued.scopes,
        created_at=issued.created_at,
        refresh_token=issued.refresh_token,
    )
    return json_response(body, headers=NO_STORE)


async def _revoke(roost: Roost, request: Request, app: OAuthApp, params: Params) -> Response:
    token = params.str("token")
    if not token:
        raise OAuthError("invalid_request", "token is required")
    revoked_hash = await do_revoke_token(roost.db, app=app, token=token)
    if revoked_hash is not None:
        roost.tokens.drop(revoked_hash)  # this process forgets it at once
    return json_response({}, headers=NO_STORE)


async def token_endpoint(request: Request) -> Response:
    """POST /oauth/token: authorization_code, client_credentials, refresh_token, password."""
    return await _oauth_call(request, _issue)


async def revoke_endpoint(request: Request) -> Response:
    """POST /oauth/revoke: revoke an access or refresh token (RFC 7009)."""
    return await _oauth_call(request, _revoke)


extra_routes: list[BaseRoute] = [
    Route("/oauth/token", token_endpoint, methods=["POST"]),
    Route("/oauth/revoke", revoke_endpoint, methods=["POST"]),
]
