"""Web sessions: a signed, HTTP-only cookie that carries an OAuth access token.

Signing in issues a token (scopes "read write follow", no app) and puts it in the
`roost_session` cookie with an HMAC, so the web app and the API share one notion of who is
calling: the streaming endpoints accept the cookie where an app would send a bearer token
(`viewer_from_session`). Signing out revokes the token, which ends the session everywhere
at once (other processes within the token cache's few seconds).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import Response

from roost.http.auth import notice
from roost.oauth.queries import Viewer, access_viewer

SESSION_COOKIE = "roost_session"
LANG_COOKIE = "roost_lang"
SESSION_SCOPES = "read write follow"
SESSION_AGE = 30 * 24 * 3600  # a month; signing in again issues a new token
LANG_AGE = 365 * 24 * 3600
_MAX_COOKIE = 200
_SCOPE_KEY = "roost.web_viewer"


def _roost(conn: HTTPConnection) -> Any:
    return conn.app.state.roost


def _key(secret: str) -> bytes:
    # A key of its own, so a session signature is worth nothing elsewhere (CSRF tokens).
    return hashlib.sha256(b"roost-session\0" + secret.encode()).digest()


def _sign(secret: str, token: str) -> str:
    digest = hmac.new(_key(secret), token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def session_cookie_value(secret: str, token: str) -> str:
    """What the session cookie holds: the token and its signature."""
    return f"{token}.{_sign(secret, token)}"


def token_from_cookie(secret: str, value: str) -> str | None:
    """The access token in a session cookie, or None when it is missing or forged."""
    if not value or len(value) > _MAX_COOKIE or not value.isascii():
        return None
    token, _, signature = value.rpartition(".")
    if not token or not hmac.compare_digest(signature, _sign(secret, token)):
        return None
    return token


def session_token(conn: HTTPConnection) -> str | None:
    """The access token of this request's web session, if it has a valid cookie."""
    secret = _roost(conn).settings.secret_key
    return token_from_cookie(secret, conn.cookies.get(SESSION_COOKIE, ""))


async def viewer_from_session(conn: HTTPConnection) -> Viewer | None:
    """The signed-in user behind the request's session cookie, or None (no cookie, a
    forged one, or a revoked or unusable token). Cached on the request."""
    cached = conn.scope.get(_SCOPE_KEY, False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]  # set below, Viewer | None
    token = session_token(conn)
    viewer = None
    if token is not None:
        roost = _roost(conn)
        found = await access_viewer(roost.db, roost.tokens, token)
        if found is not None and found.account_id is not None:
            viewer = found
            await notice(roost, viewer, token)
    conn.scope[_SCOPE_KEY] = viewer
    return viewer


def _secure(conn: HTTPConnection) -> bool:
    return bool(_roost(conn).settings.https)


def set_session(conn: HTTPConnection, response: Response, token: str) -> None:
    """Start a session on `response` (after signing in or up)."""
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie_value(_roost(conn).settings.secret_key, token),
        max_age=SESSION_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(conn),
    )


def clear_session(conn: HTTPConnection, response: Response) -> None:
    """End the session cookie (the caller revokes the token)."""
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(conn)
    )


def set_language(conn: HTTPConnection, response: Response, locale: str) -> None:
    """Remember the chosen language in this browser (signed-out visitors too)."""
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=LANG_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(conn),
    )
