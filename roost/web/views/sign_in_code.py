"""The second step of signing in to the web app when two-factor sign-in is on: after the
right password, a code from the authenticator app (or a recovery code)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from starlette.datastructures import FormData
from starlette.responses import Response

from roost.accounts.actions import do_start_web_session
from roost.accounts.throttles import TooManySignIns
from roost.errors import Invalid, RateLimited
from roost.http.auth import client_ip
from roost.security.tickets import make_ticket, read_ticket
from roost.security.two_factor import do_check_code
from roost.web.i18n import LOCALES
from roost.web.render import Page, form_str, redirect, render, safe_next
from roost.web.session import SESSION_SCOPES, set_language, set_session

T = TypeVar("T")


class TooManyCodes(RateLimited):
    """Too many wrong codes from this address or for this account, for now."""


async def throttled_code(page: Page, act: Callable[[], Awaitable[T]]) -> T | None:
    """Run `act`, an action that checks a code of the signed-in user (Invalid when it is
    wrong), throttled as sign-ins are. None when the code was wrong; TooManyCodes past
    the limit."""
    result: list[T] = []

    async def check() -> bool:
        try:
            result.append(await act())
        except Invalid:
            return False
        return True

    try:
        await page.roost.throttles.second_factor(client_ip(page.request), page.me_id, check)
    except TooManySignIns as exc:
        message = page._("Too many failed sign-in attempts. Please wait a few minutes.")
        raise TooManyCodes(message) from exc
    return result[0] if result else None


def code_form(
    page: Page, account_id: int, target: str, *, status: int = 200, error: str = ""
) -> Response:
    """The page asking for the code, carrying a signed ticket for the password step."""
    ticket = make_ticket(page.roost.settings.secret_key, account_id)
    return render(
        page, "login_code.html", status_code=status, error=error, ticket=ticket, next=target
    )


async def code_submit(page: Page, form: FormData) -> Response:
    """POST /login with a ticket and a code: check the code (throttled as sign-ins are;
    each code works once) and start the session."""
    target = safe_next(form_str(page, form, "next", max_len=2000))
    account_id = read_ticket(page.roost.settings.secret_key, form_str(page, form, "ticket"))
    if account_id is None:
        return redirect("/login")  # expired or forged: start again from the password
    code = form_str(page, form, "code", max_len=64)
    db = page.roost.db
    try:
        ok = await page.roost.throttles.second_factor(
            client_ip(page.request), account_id, lambda: do_check_code(db, account_id, code)
        )
    except TooManySignIns:
        error = page._("Too many failed sign-in attempts. Please wait a few minutes.")
        return code_form(page, account_id, target, status=429, error=error)
    if not ok:
        error = page._("This code is wrong or was already used. Wait for the next code.")
        return code_form(page, account_id, target, status=422, error=error)
    token, locale = await do_start_web_session(db, account_id, SESSION_SCOPES)
    response = redirect(target)
    set_session(page.request, response, token.access_token)
    if locale in LOCALES:
        set_language(page.request, response, locale)
    return response
