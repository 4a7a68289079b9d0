"""CSRF protection for server-rendered forms: a signed double-submit token.

A page with a form puts `csrf_token(request)` in a hidden `csrf_token` field and calls
`issue_csrf(request, response, token)`, which sets the same token as the `roost_csrf`
cookie (HttpOnly, SameSite=Lax). The POST handler calls `check_csrf(request, form)`: cookie
and field must be equal and carry our HMAC. Another site can make a browser send the cookie
but cannot read it to fill in the field, and the signature stops a sibling subdomain that can
plant cookies from inventing a pair.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from roost.errors import Forbidden

CSRF_COOKIE = "roost_csrf"
CSRF_FIELD = "csrf_token"
_MAX_TOKEN = 128
# Without a configured secret, tokens are signed with a key that lives as long as the process.
_fallback_key = secrets.token_bytes(32)


class CsrfError(Forbidden):
    def __init__(self) -> None:
        super().__init__("The form has expired or did not come from this site. Please try again.")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _key(secret: str) -> bytes:
    if not secret:
        return _fallback_key
    # A key of its own, so a CSRF signature is worth nothing anywhere else.
    return hashlib.sha256(b"roost-csrf\0" + secret.encode()).digest()


def _sign(secret: str, nonce: str) -> str:
    return _b64(hmac.new(_key(secret), nonce.encode(), hashlib.sha256).digest())


def make_csrf_token(secret: str) -> str:
    """A new token: a random nonce and its HMAC."""
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_sign(secret, nonce)}"


def csrf_token_valid(secret: str, token: str) -> bool:
    """Was `token` made by `make_csrf_token` with this secret?"""
    if not token or len(token) > _MAX_TOKEN or not token.isascii():
        return False
    nonce, _, signature = token.partition(".")
    return bool(nonce) and hmac.compare_digest(signature, _sign(secret, nonce))


def _settings_of(request: Request) -> Any:
    return request.app.state.roost.settings


def csrf_token(request: Request) -> str:
    """The token for a form on this page: the cookie's when it is valid (so several open
    tabs keep working), else a new one."""
    secret = _settings_of(request).secret_key
    current = request.cookies.get(CSRF_COOKIE, "")
    return current if csrf_token_valid(secret, current) else make_csrf_token(secret)


def issue_csrf(request: Request, response: Response, token: str | None = None) -> str:
    """Set the CSRF cookie on `response` and return the token to put in the form."""
    token = token or csrf_token(request)
    response.set_cookie(
        CSRF_COOKIE,
        token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=bool(_settings_of(request).https),
    )
    return token


def check_csrf(request: Request, form: Mapping[str, Any]) -> None:
    """Raise CsrfError (403) unless the form's token matches the cookie and is signed by us."""
    secret = _settings_of(request).secret_key
    cookie = request.cookies.get(CSRF_COOKIE, "")
    field = form.get(CSRF_FIELD)
    if not isinstance(field, str) or not csrf_token_valid(secret, cookie):
        raise CsrfError()
    if not hmac.compare_digest(field.encode(), cookie.encode()):
        raise CsrfError()
