"""Signing up, in and out, and choosing the interface language."""

from __future__ import annotations

from starlette.responses import Response

from roost.accounts.actions import do_end_web_session, do_set_locale, do_start_web_session
from roost.accounts.registration import ValidationFailed, do_register
from roost.accounts.throttles import TooManySignIns
from roost.errors import RoostError
from roost.http.auth import client_ip
from roost.moderation.rules import current_rules
from roost.oauth.actions import login_problem
from roost.security.two_factor import two_factor_enabled
from roost.web.i18n import LOCALES, N_
from roost.web.render import (
    Page,
    form_str,
    form_view,
    page_view,
    read_form,
    redirect,
    render,
    safe_next,
)
from roost.web.session import (
    SESSION_SCOPES,
    clear_session,
    session_token,
    set_language,
    set_session,
)
from roost.web.views.sign_in_code import code_form, code_submit

# Per-field messages for the codes of accounts.actions.ValidationFailed.
FIELD_ERRORS = {
    ("username", "ERR_BLANK"): N_("Choose a username."),
    ("username", "ERR_TOO_LONG"): N_("Usernames have at most 30 characters."),
    ("username", "ERR_INVALID"): N_("Use only letters, numbers and underscores."),
    ("username", "ERR_RESERVED"): N_("This username is reserved."),
    ("username", "ERR_TAKEN"): N_("This username is already taken."),
    ("email", "ERR_BLANK"): N_("Enter your email address."),
    ("email", "ERR_INVALID"): N_("This is not a valid email address."),
    ("email", "ERR_TAKEN"): N_("This email address is already in use."),
    ("email", "ERR_BLOCKED"): N_("Sign-ups with this email provider are not allowed."),
    ("password", "ERR_BLANK"): N_("Choose a password."),
    ("password", "ERR_TOO_SHORT"): N_("Passwords have at least 8 characters."),
    ("password", "ERR_TOO_LONG"): N_("Passwords have at most 72 characters."),
    ("agreement", "ERR_ACCEPTED"): N_("Please accept the server rules."),
    ("reason", "ERR_BLANK"): N_("Tell the moderators why you want to join."),
    ("reason", "ERR_TOO_LONG"): N_("This is too long (at most 1000 characters)."),
    ("current_password", "ERR_INVALID"): N_("The current password is wrong."),
}


def field_errors(page: Page, exc: ValidationFailed) -> dict[str, str]:
    """field → translated message, for the form to show beside each field."""
    out: dict[str, str] = {}
    for field, problems in exc.details.items():
        code = problems[0]["error"]
        message = FIELD_ERRORS.get((field, code))
        out[field] = page._(message) if message else f"{field}: {problems[0]['description']}"
    return out


def _login_form(page: Page, *, status: int = 200, error: str = "", login: str = "") -> Response:
    return render(
        page,
        "login.html",
        status_code=status,
        error=error,
        login=login,
        next=safe_next(page.request.query_params.get("next")),
    )


@page_view()
async def login_page(page: Page) -> Response:
    """GET /login"""
    if page.viewer is not None:
        return redirect(safe_next(page.request.query_params.get("next")))
    return _login_form(page)


@form_view(login=False)
async def login_submit(page: Page) -> Response:
    """POST /login: check the password (rate-limited per IP) and start a session."""
    form = await read_form(page)
    if form.get("ticket"):
        return await code_submit(page, form)
    name = form_str(page, form, "username", max_len=320).strip()
    password = form_str(page, form, "password", max_len=1000)
    target = safe_next(form_str(page, form, "next", max_len=2000))
    roost = page.roost
    try:
        login = await roost.throttles.sign_in(client_ip(page.request), name, password)
    except TooManySignIns:
        error = page._("Too many failed sign-in attempts. Please wait a few minutes.")
        return _login_form(page, status=429, error=error, login=name)
    if login is None:
        error = page._("Wrong username, email or password.")
        return _login_form(page, status=422, error=error, login=name)
    if login_problem(login):
        if login.suspended:
            error = page._("This account is suspended.")
        elif login.disabled:
            error = page._("This account is disabled.")
        else:
            error = page._("This account is still waiting for approval by the moderators.")
        return _login_form(page, status=403, error=error, login=name)
    if await two_factor_enabled(roost.db, login.account_id):
        return code_form(page, login.account_id, target)
    token, locale = await do_start_web_session(page.roost.db, login.account_id, SESSION_SCOPES)
    response = redirect(target)
    set_session(page.request, response, token.access_token)
    if locale in LOCALES:
        set_language(page.request, response, locale)
    return response


@form_view(login=False)
async def logout(page: Page) -> Response:
    """POST /logout: revoke the session's token and forget the cookie."""
    token = session_token(page.request)
    if token is not None:
        revoked = await do_end_web_session(page.roost.db, token)
        if revoked is not None:
            page.roost.tokens.drop(revoked)
    response = redirect("/")
    clear_session(page.request, response)
    return response


async def _signup_form(
    page: Page,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    return render(
        page,
        "signup.html",
        status_code=status,
        errors=errors or {},
        values=values or {"username": "", "email": "", "reason": ""},
        registrations=page.roost.settings.registrations,
        rules=await current_rules(page.roost.db),
    )


@page_view()
async def signup_page(page: Page) -> Response:
    """GET /signup"""
    if page.viewer is not None:
        return redirect("/")
    status = 403 if page.roost.settings.registrations == "closed" else 200
    return await _signup_form(page, status=status)


@form_view(login=False)
async def signup_submit(page: Page) -> Response:
    """POST /signup: create the account and sign in (or wait for approval)."""
    settings = page.roost.settings
    if settings.registrations == "closed":
        return await _signup_form(page, status=403)
    form = await read_form(page)
    values = {
        "username": form_str(page, form, "username", max_len=100).strip(),
        "email": form_str(page, form, "email", max_len=400).strip(),
        "reason": form_str(page, form, "reason", max_len=2000),
    }
    if not await page.roost.throttles.signup_allowed(client_ip(page.request)):
        message = page._("Too many sign-ups from this address; try again later.")
        raise RoostError(message, status=429)
    locale = page.locale
    try:
        signed_up = await do_register(
            page.roost.db,
            username=values["username"],
            email=values["email"],
            password=form_str(page, form, "password", max_len=1000),
            agreement=form.get("agreement") == "1",
            locale=locale,
            reason=values["reason"] or None,
            approval_required=settings.registrations == "approval",
            app_id=None,
            fallback_scopes=SESSION_SCOPES,
            ip=client_ip(page.request),
        )
    except ValidationFailed as exc:
        return await _signup_form(page, status=422, errors=field_errors(page, exc), values=values)
    if signed_up.pending:
        return render(
            page,
            "message.html",
            title=page._("Thanks for signing up!"),
            message=page._(
                "The moderators will review your request. You can sign in once it is approved."
            ),
        )
    response = redirect("/")
    set_session(page.request, response, signed_up.token.access_token)
    set_language(page.request, response, locale)
    return response


@form_view(login=False)
async def choose_language(page: Page) -> Response:
    """POST /language: the interface language, for this browser and the signed-in user."""
    form = await read_form(page)
    locale = form_str(page, form, "locale", max_len=10)
    if locale not in LOCALES:
        raise RoostError(page._("This language is not available."), status=422)
    if page.viewer is not None:
        await do_set_locale(page.roost.db, page.me_id, locale)
    response = redirect(safe_next(form_str(page, form, "next", max_len=2000)))
    set_language(page.request, response, locale)
    return response
