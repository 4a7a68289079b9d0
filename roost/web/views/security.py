"""Settings for the account's safety: two-factor sign-in, sessions and authorised apps,
and deleting the account."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import segno
from starlette.responses import Response

from roost.accounts.throttles import TooManySignIns
from roost.errors import Invalid
from roost.http.auth import client_ip
from roost.security.deletion import do_schedule_deletion
from roost.security.sessions import access_sessions, do_revoke_session
from roost.security.two_factor import (
    access_two_factor,
    check_password,
    do_begin_setup,
    do_check_code,
    do_confirm_setup,
    do_regenerate_codes,
    do_reset,
    provisioning_uri,
    two_factor_enabled,
)
from roost.web.render import Page, form_str, form_view, page_view, read_form, redirect, render
from roost.web.session import clear_session, session_token
from roost.web.views.sign_in_code import TooManyCodes, throttled_code


async def _security_page(page: Page, *, status: int = 200, error: str = "") -> Response:
    assert page.me is not None
    state = await access_two_factor(page.roost.db, page.me_id)
    qr = secret = ""
    if state is not None and not state.enabled:
        secret = state.secret
        uri = provisioning_uri(secret, page.me.username, page.roost.settings.title)
        qr = segno.make(uri, error="m").svg_inline(scale=4, title="QR code")
    return render(
        page,
        "settings_security.html",
        status_code=status,
        state=state,
        secret=secret,
        qr=qr,
        error=error,
        saved=page.request.query_params.get("saved", ""),
        section="security",
    )


@page_view(login=True)
async def security_page(page: Page) -> Response:
    """GET /settings/security: two-factor sign-in."""
    return await _security_page(page)


@form_view()
async def setup(page: Page) -> Response:
    """POST /settings/security/setup: a new secret, to confirm with a code."""
    await read_form(page)
    with contextlib.suppress(Invalid):  # already on: the page says so
        await do_begin_setup(page.roost.db, page.me_id)
    return redirect("/settings/security")


def _codes_page(page: Page, codes: list[str]) -> Response:
    return render(page, "settings_recovery_codes.html", codes=codes, section="security")


def _wrong_code(page: Page) -> str:
    return page._("This code is wrong or was already used. Wait for the next code.")


@form_view()
async def confirm(page: Page) -> Response:
    """POST /settings/security/confirm: turn two-factor sign-in on with a first code."""
    form = await read_form(page)
    code = form_str(page, form, "code", max_len=64)
    try:
        codes = await throttled_code(
            page, lambda: do_confirm_setup(page.roost.db, page.me_id, code)
        )
    except TooManyCodes as exc:
        return await _security_page(page, status=429, error=exc.message)
    if codes is None:
        return await _security_page(page, status=422, error=_wrong_code(page))
    return _codes_page(page, codes)


@form_view()
async def regenerate(page: Page) -> Response:
    """POST /settings/security/codes: ten new recovery codes, after a code."""
    form = await read_form(page)
    code = form_str(page, form, "code", max_len=64)
    try:
        codes = await throttled_code(
            page, lambda: do_regenerate_codes(page.roost.db, page.me_id, code)
        )
    except TooManyCodes as exc:
        return await _security_page(page, status=429, error=exc.message)
    if codes is None:
        return await _security_page(page, status=422, error=_wrong_code(page))
    return _codes_page(page, codes)


async def _password_and_code(page: Page, password: str, code: str) -> str:
    """Why the password (and, with two-factor sign-in on, the code) do not do; "" if they
    do. Failures count against the sign-in throttle."""
    db, me = page.roost.db, page.me_id
    need_code = await two_factor_enabled(db, me)

    async def check() -> bool:
        if not await check_password(db, me, password):
            return False
        return not need_code or await do_check_code(db, me, code)

    try:
        ok = await page.roost.throttles.second_factor(client_ip(page.request), me, check)
    except TooManySignIns:
        return page._("Too many failed sign-in attempts. Please wait a few minutes.")
    if ok:
        return ""
    if need_code:
        return page._("The password or the code is wrong.")
    return page._("The current password is wrong.")


@form_view()
async def disable(page: Page) -> Response:
    """POST /settings/security/disable: the password and a code turn it off."""
    form = await read_form(page)
    password = form_str(page, form, "password", max_len=1000)
    error = await _password_and_code(page, password, form_str(page, form, "code", max_len=64))
    if error:
        return await _security_page(page, status=422, error=error)
    await do_reset(page.roost.db, page.me_id)
    return redirect("/settings/security?saved=disabled")


@page_view(login=True)
async def sessions_page(page: Page) -> Response:
    """GET /settings/sessions: web sessions and authorised apps, each revocable."""
    sessions = await access_sessions(page.roost.db, page.me_id)
    assert page.viewer is not None
    return render(
        page,
        "settings_sessions.html",
        web=[s for s in sessions if s.app_name is None],
        apps=[s for s in sessions if s.app_name is not None],
        current=page.viewer.token_id,
        section="sessions",
    )


@form_view()
async def revoke(page: Page) -> Response:
    """POST /settings/sessions/{id}/revoke: end it at once, in every process."""
    await read_form(page)
    try:
        token_id = int(page.request.path_params["id"])
    except ValueError as exc:
        raise Invalid(page._("This session does not exist.")) from exc
    for hashed in await do_revoke_session(page.roost.db, page.me_id, token_id):
        page.roost.tokens.drop(hashed)
    assert page.viewer is not None
    if token_id == page.viewer.token_id:
        response = redirect("/login")
        clear_session(page.request, response)
        return response
    return redirect("/settings/sessions")


def _delete_form(page: Page, *, status: int = 200, error: str = "", two_factor: bool) -> Response:
    return render(
        page,
        "settings_delete.html",
        status_code=status,
        error=error,
        two_factor=two_factor,
        grace_days=int(page.roost.settings.deletion_grace_days),
        section="delete",
    )


@page_view(login=True)
async def delete_page(page: Page) -> Response:
    """GET /settings/delete"""
    return _delete_form(page, two_factor=await two_factor_enabled(page.roost.db, page.me_id))


@form_view()
async def delete_submit(page: Page) -> Response:
    """POST /settings/delete: suspend the account now; its data goes after the grace
    period (ROOST_DELETION_GRACE_DAYS)."""
    form = await read_form(page)
    password = form_str(page, form, "password", max_len=1000)
    error = await _password_and_code(page, password, form_str(page, form, "code", max_len=64))
    if error:
        two_factor = await two_factor_enabled(page.roost.db, page.me_id)
        return _delete_form(page, status=422, error=error, two_factor=two_factor)
    grace = timedelta(days=page.roost.settings.deletion_grace_days)
    for hashed in await do_schedule_deletion(page.roost.db, page.me_id, grace):
        page.roost.tokens.drop(hashed)
    response = render(
        page,
        "message.html",
        title=page._("Your account is being deleted"),
        message=page._("It is gone from this server now, and its data will be removed for good."),
    )
    if session_token(page.request) is not None:
        clear_session(page.request, response)
    return response
