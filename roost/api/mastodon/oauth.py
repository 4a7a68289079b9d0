"""OAuth 2's /oauth/* endpoints: the sign-in and consent page, /oauth/token, /oauth/revoke.

/oauth/* are not Mastodon JSON routes: the consent page is HTML, and the token endpoints
answer RFC 6749 errors (`{"error": "invalid_grant", "error_description": ...}`), as Mastodon's
Doorkeeper does, so they are plain Starlette routes in `extra_routes`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlencode, urlsplit

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from roost.accounts.queries import access_account
from roost.errors import RateLimited, RoostError
from roost.http.auth import client_ip, rate_limit
from roost.http.params import Params
from roost.http.responses import json_response
from roost.instance import Roost
from roost.oauth.actions import (
    OOB_URI,
    PKCE_RE,
    SCHEME_RE,
    IssuedToken,
    OAuthError,
    do_client_credentials,
    do_create_code,
    do_exchange_code,
    do_password_token,
    do_refresh_token,
    do_revoke_token,
    invalid_grant,
    login_problem,
)
from roost.oauth.entities import Token
from roost.oauth.queries import OAuthApp, access_client, authenticate_client, authenticate_user
from roost.oauth.scopes import covers_all, parse_scopes, unknown_scopes
from roost.web.csrf import check_csrf, csrf_token, issue_csrf
from roost.web.session import viewer_from_session

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
LOGIN_LIMIT = 10  # failed sign-ins per IP ...
LOGIN_PERIOD = 300  # ... per 5 minutes
MAX_STATE = 1000
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
HOST_RE = re.compile(r"^[a-z0-9.\-]+$|^\[[0-9a-f:.]+\]$")
RESPONSE_MODES = (None, "query", "fragment", "form_post")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

_VERBS = {"read": "Read your {}", "write": "Change your {}"}
_TOP = {
    "read": "Read all your account's data",
    "write": "Change all your account's data",
    "follow": "Follow, mute and block accounts, and see whom you follow, mute and block",
    "push": "Receive your push notifications",
    "profile": "See your basic profile information",
    "admin:read": "Read all data on this server (moderators only)",
    "admin:write": "Moderate all data on this server (moderators only)",
    "read:search": "Search on your behalf",
    "write:media": "Upload media files",
    "write:reports": "Report accounts and posts",
}
_NOUNS = {
    "accounts": "account information",
    "statuses": "posts",
    "domain_allows": "allowed domains",
    "domain_blocks": "blocked domains",
    "ip_blocks": "IP blocks",
    "email_domain_blocks": "blocked email domains",
    "canonical_email_blocks": "blocked email addresses",
}


def describe_scope(scope: str) -> str:
    """A scope in plain words, for the consent page."""
    if scope in _TOP:
        return _TOP[scope]
    top, _, sub = scope.rpartition(":")
    noun = _NOUNS.get(sub, sub.replace("_", " "))
    if top in _VERBS:
        return _VERBS[top].format(noun)
    if top == "admin:read":
        return f"Read the {noun} of this whole server (moderators only)"
    return f"Change the {noun} of this whole server (moderators only)"


# --- The authorization request and the pages ---------------------------------------------


@dataclass(frozen=True)
class AuthRequest:
    app: OAuthApp
    redirect_uri: str
    scopes: list[str]
    state: str | None
    code_challenge: str | None
    lang: str
    response_mode: str | None  # None: query

    def hidden_fields(self) -> list[tuple[str, str]]:
        """The request, carried through the form as hidden fields."""
        fields = {
            "response_type": "code",
            "client_id": self.app.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(self.scopes),
            "state": self.state,
            "code_challenge": self.code_challenge,
            "code_challenge_method": "S256" if self.code_challenge else None,
            "lang": self.lang,
            "response_mode": self.response_mode,
        }
        return [(k, v) for k, v in fields.items() if v is not None]


def _lang(data: Mapping[str, str]) -> str:
    lang = data.get("lang") or ""
    return lang if LANG_RE.match(lang) else "en"


async def _parse_request(roost: Roost, data: Mapping[str, str]) -> AuthRequest:
    """Validate an authorization request; RoostError (shown as a 400 page) when it is bad.
    Errors are never redirected: the redirect_uri is only trusted once it is registered."""
    app = await access_client(roost.db, data.get("client_id") or "")
    if app is None:
        raise RoostError("The application is unknown: client_id is missing or invalid.")
    redirect_uri = data.get("redirect_uri") or ""
    if redirect_uri not in app.redirect_uris:
        raise RoostError("The redirect_uri is not registered for this application.")
    if data.get("response_type") != "code":
        raise RoostError("Only response_type=code is supported.")
    scopes = parse_scopes(data.get("scope"))
    if unknown_scopes(scopes) or not covers_all(app.scopes, scopes):
        raise RoostError("The requested scopes are not registered for this application.")
    challenge = data.get("code_challenge") or None
    method = data.get("code_challenge_method") or None
    if challenge is not None or method is not None:
        if method != "S256":
            raise RoostError("Only the S256 code_challenge_method is supported.")
        if challenge is None or not PKCE_RE.match(challenge):
            raise RoostError("The code_challenge is missing or malformed.")
    state = data.get("state") or None
    if state is not None and len(state) > MAX_STATE:
        raise RoostError("The state parameter is too long.")
    mode = data.get("response_mode") or None
    if mode not in RESPONSE_MODES:
        raise RoostError("The response_mode must be query, fragment or form_post.")
    return AuthRequest(app, redirect_uri, scopes, state, challenge, _lang(data), mode)


def _csp_source(uri: str | None) -> str | None:
    """The CSP source that allows a redirect to `uri` (a registered, validated URI)."""
    if not uri or uri == OOB_URI:
        return None
    try:
        parts = urlsplit(uri)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not SCHEME_RE.match(parts.scheme):
        return None
    if parts.scheme not in ("http", "https"):
        return f"{parts.scheme}:"  # custom scheme of a mobile or desktop app
    if not host:
        return None
    host = f"[{host}]" if ":" in host else host
    if not HOST_RE.match(host):
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def _headers(redirect_uri: str | None = None) -> dict[str, str]:
    # Some browsers apply form-action to the redirect that follows the form post, so the
    # app's redirect origin is allowed there.
    form_action = " ".join(filter(None, ["'self'", _csp_source(redirect_uri)]))
    return {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; "
            f"frame-ancestors 'none'; form-action {form_action}; base-uri 'none'"
        ),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


def _page(
    request: Request,
    view: str,
    *,
    status: int = 200,
    redirect_uri: str | None = None,
    lang: str = "en",
    **context: Any,
) -> HTMLResponse:
    roost: Roost = request.app.state.roost
    token = csrf_token(request) if view == "form" else ""
    html = _templates.get_template("oauth_authorize.html").render(
        view=view, site_title=roost.settings.title, lang=lang, csrf_token=token, **context
    )
    response = HTMLResponse(html, status_code=status, headers=_headers(redirect_uri))
    if view == "form":
        issue_csrf(request, response, token)
    return response


def _form(
    request: Request,
    auth: AuthRequest,
    *,
    status: int = 200,
    error: str = "",
    login: str = "",
    session_user: str = "",
) -> HTMLResponse:
    return _page(
        request,
        "form",
        status=status,
        redirect_uri=auth.redirect_uri,
        lang=auth.lang,
        app_name=auth.app.name,
        website=auth.app.website,
        scopes=[{"name": s, "text": describe_scope(s)} for s in auth.scopes],
        hidden=auth.hidden_fields(),
        error=error,
        login=login,
        session_user=session_user,
    )


async def _session_account(request: Request) -> tuple[int, str] | None:
    """The account signed in to the web app in this browser, if any: the consent page then
    asks only for consent, not for the password again."""
    viewer = await viewer_from_session(request)
    if viewer is None or viewer.account_id is None:
        return None
    row = await access_account(request.app.state.roost.db, viewer.account_id)
    return None if row is None else (viewer.account_id, str(row.username))


def _error_page(request: Request, exc: RoostError, lang: str = "en") -> HTMLResponse:
    page = _page(request, "error", status=exc.status, lang=lang, error=exc.message)
    page.headers.update(exc.headers)
    return page


def _respond(request: Request, auth: AuthRequest, **params: str | None) -> Response:
    """Send the result to the app, in the response_mode it asked for."""
    values = {k: v for k, v in {**params, "state": auth.state}.items() if v is not None}
    if auth.response_mode == "form_post":
        return _page(
            request,
            "form_post",
            redirect_uri=auth.redirect_uri,
            lang=auth.lang,
            app_name=auth.app.name,
            action=auth.redirect_uri,
            fields=list(values.items()),
        )
    uri = auth.redirect_uri
    # Registered URIs have no fragment, so appending keeps the URI exactly as registered.
    separator = "#" if auth.response_mode == "fragment" else ("&" if "?" in uri else "?")
    location = uri + separator + urlencode(values)
    return Response(status_code=302, headers={"Location": location, **_headers()})


async def authorize_page(request: Request) -> Response:
    """GET /oauth/authorize: the sign-in and consent form."""
    roost: Roost = request.app.state.roost
    data = dict(request.query_params)
    try:
        await rate_limit(request, None)
        auth = await _parse_request(roost, data)
    except RoostError as exc:
        return _error_page(request, exc, _lang(data))
    session = await _session_account(request)
    return _form(request, auth, session_user=session[1] if session else "")


async def _login_blocked(roost: Roost, request: Request) -> bool:
    window = await roost.limiter.hit(
        f"login:{client_ip(request)}", LOGIN_LIMIT, LOGIN_PERIOD, cost=0
    )
    return window.remaining == 0


async def _login_failed(roost: Roost, request: Request) -> None:
    await roost.limiter.hit(f"login:{client_ip(request)}", LOGIN_LIMIT, LOGIN_PERIOD)


async def authorize_submit(request: Request) -> Response:
    """POST /oauth/authorize: check the form, sign in, and send the code to the app."""
    roost: Roost = request.app.state.roost
    data: dict[str, str] = {}
    try:
        await rate_limit(request, None)
        try:
            form = await request.form()
        except Exception as exc:  # malformed bodies raise several types
            raise RoostError("The form could not be read.") from exc
        data = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        check_csrf(request, data)
        auth = await _parse_request(roost, data)
    except RoostError as exc:
        return _error_page(request, exc, _lang(data))
    if data.get("decision") == "deny":
        if auth.redirect_uri == OOB_URI:
            return _page(request, "denied", lang=auth.lang, app_name=auth.app.name)
        return _respond(
            request, auth, error="access_denied", error_description="The user denied the request."
        )
    session = await _session_account(request)
    if session is not None and not data.get("password"):
        return await _grant_code(request, auth, session[0])
    name = data.get("username", "").strip()[:320]
    if await _login_blocked(roost, request):
        error = "Too many failed sign-in attempts. Please wait a few minutes and try again."
        return _form(request, auth, status=429, error=error, login=name)
    password = data.get("password", "")
    login = await authenticate_user(roost.db, name, password) if name and password else None
    if login is None:
        await _login_failed(roost, request)
        error = "Wrong username, email or password."
        return _form(request, auth, status=422, error=error, login=name)
    problem = login_problem(login)
    if problem:
        return _form(request, auth, status=403, error=problem, login=name)
    return await _grant_code(request, auth, login.account_id)


async def _grant_code(request: Request, auth: AuthRequest, account_id: int) -> Response:
    """Create the authorization code for `account_id` and send it to the app."""
    roost: Roost = request.app.state.roost
    code = await do_create_code(
        roost.db,
        app=auth.app,
        account_id=account_id,
        redirect_uri=auth.redirect_uri,
        scopes=auth.scopes,
        code_challenge=auth.code_challenge,
    )
    if auth.redirect_uri == OOB_URI:
        return _page(request, "code", lang=auth.lang, app_name=auth.app.name, code=code)
    return _respond(request, auth, code=code)


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
    if await _login_blocked(roost, request):
        raise OAuthError(
            "temporarily_unavailable", "Too many failed sign-in attempts; try again later", 429
        )
    login = await authenticate_user(roost.db, name, password)
    if login is None:
        await _login_failed(roost, request)
        raise invalid_grant("Wrong username, email or password")
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
    roost: Roost = request.app.state.roost
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
    Route("/oauth/authorize", authorize_page, methods=["GET"]),
    Route("/oauth/authorize", authorize_submit, methods=["POST"]),
    Route("/oauth/token", token_endpoint, methods=["POST"]),
    Route("/oauth/revoke", revoke_endpoint, methods=["POST"]),
]
