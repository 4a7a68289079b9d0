"""/oauth/authorize: the page where a person signs in and lets an app use their account.

An OAuth page rather than an app's: it answers errors as pages (never redirecting before
the redirect_uri is known to be registered), carries its own strict security headers, and
sends the code back in the response_mode the app asked for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from roost.accounts.queries import access_account
from roost.accounts.throttles import TooManySignIns
from roost.errors import RoostError
from roost.http.auth import client_ip, instance_of, rate_limit
from roost.instance import Roost
from roost.oauth.actions import PKCE_RE, do_create_code, login_problem
from roost.oauth.apps import OOB_URI, SCHEME_RE
from roost.oauth.queries import OAuthApp, access_client
from roost.oauth.scopes import covers_all, parse_scopes, unknown_scopes
from roost.security.tickets import make_ticket, read_ticket
from roost.security.two_factor import do_check_code, two_factor_enabled
from roost.web.csrf import check_csrf, csrf_token, issue_csrf
from roost.web.render import env
from roost.web.session import viewer_from_session

MAX_STATE = 1000
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
HOST_RE = re.compile(r"^[a-z0-9.\-]+$|^\[[0-9a-f:.]+\]$")
RESPONSE_MODES = (None, "query", "fragment", "form_post")

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
    roost = instance_of(request)
    token = csrf_token(request) if view == "form" else ""
    html = env.get_template("oauth_authorize.html").render(
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
    ticket: str = "",
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
        ticket=ticket,
    )


async def _session_account(request: Request) -> tuple[int, str] | None:
    """The account signed in to the web app in this browser, if any: the consent page then
    asks only for consent, not for the password again."""
    viewer = await viewer_from_session(request)
    if viewer is None or viewer.account_id is None:
        return None
    row = await access_account(instance_of(request).db, viewer.account_id)
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
    roost = instance_of(request)
    data = dict(request.query_params)
    try:
        await rate_limit(request, None)
        auth = await _parse_request(roost, data)
    except RoostError as exc:
        return _error_page(request, exc, _lang(data))
    session = await _session_account(request)
    return _form(request, auth, session_user=session[1] if session else "")


async def authorize_submit(request: Request) -> Response:
    """POST /oauth/authorize: check the form, sign in, and send the code to the app."""
    roost = instance_of(request)
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
    if data.get("ticket"):
        return await _second_factor(request, auth, data)
    session = await _session_account(request)
    if session is not None and not data.get("password"):
        return await _grant_code(request, auth, session[0])
    name = data.get("username", "").strip()[:320]
    try:
        login = await roost.throttles.sign_in(client_ip(request), name, data.get("password", ""))
    except TooManySignIns:
        error = "Too many failed sign-in attempts. Please wait a few minutes and try again."
        return _form(request, auth, status=429, error=error, login=name)
    if login is None:
        error = "Wrong username, email or password."
        return _form(request, auth, status=422, error=error, login=name)
    problem = login_problem(login)
    if problem:
        return _form(request, auth, status=403, error=problem, login=name)
    if await two_factor_enabled(roost.db, login.account_id):
        return _code_form(request, auth, login.account_id)
    return await _grant_code(request, auth, login.account_id)


def _code_form(request: Request, auth: AuthRequest, account_id: int, **kw: Any) -> HTMLResponse:
    """The password was right; two-factor sign-in is on: ask for the code."""
    ticket = make_ticket(instance_of(request).settings.secret_key, account_id)
    return _form(request, auth, ticket=ticket, **kw)


async def _second_factor(request: Request, auth: AuthRequest, data: dict[str, str]) -> Response:
    """The code after the password: throttled as sign-ins are, each code works once."""
    roost = instance_of(request)
    account_id = read_ticket(roost.settings.secret_key, data["ticket"])
    if account_id is None:
        return _form(request, auth, status=422, error="The sign-in expired. Please start again.")
    code = data.get("code", "")[:64]
    try:
        ok = await roost.throttles.second_factor(
            client_ip(request), account_id, lambda: do_check_code(roost.db, account_id, code)
        )
    except TooManySignIns:
        error = "Too many failed sign-in attempts. Please wait a few minutes and try again."
        return _code_form(request, auth, account_id, status=429, error=error)
    if not ok:
        error = "This code is wrong or was already used. Wait for the next code."
        return _code_form(request, auth, account_id, status=422, error=error)
    return await _grant_code(request, auth, account_id)


async def _grant_code(request: Request, auth: AuthRequest, account_id: int) -> Response:
    """Create the authorization code for `account_id` and send it to the app."""
    roost = instance_of(request)
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
