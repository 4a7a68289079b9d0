"""The instance's own pages (about, privacy policy, terms of service) and the admins'
form that writes them (permission `manage_settings`)."""

from __future__ import annotations

from datetime import date

import markupsafe
from starlette.responses import Response

from roost.about import actions, queries
from roost.errors import Forbidden, Invalid, NotFound, RoostError
from roost.timeutil import utcnow
from roost.web.render import Page, form_str, form_view, page_view, read_form, redirect, render


def check_staff(page: Page, permission: str) -> None:
    """403 unless the signed-in user's role grants `permission`."""
    if page.viewer is None or not page.viewer.can(permission):
        raise Forbidden(page._("Only the server's staff may do this."))


def _text_page(page: Page, title: str, html: str, updated: str | None, empty: str) -> Response:
    return render(
        page,
        "about_page.html",
        title=title,
        content=markupsafe.Markup(html),  # Markdown rendered, then nh3-cleaned
        updated=(updated or "")[:10],
        empty=empty,
    )


@page_view()
async def about(page: Page) -> Response:
    """GET /about: the instance's extended description."""
    found = await queries.extended_description(page.roost.db)
    return _text_page(
        page,
        page._("About %(site)s", site=page.roost.settings.title),
        found.content,
        found.updated_at,
        page.roost.settings.description,
    )


@page_view()
async def privacy(page: Page) -> Response:
    """GET /privacy-policy"""
    found = await queries.privacy_policy(page.roost.db)
    return _text_page(page, page._("Privacy policy"), found.content, found.updated_at, "")


@page_view()
async def terms(page: Page) -> Response:
    """GET /terms: the terms of service in effect (404 when there are none)."""
    try:
        found = await queries.terms(page.roost.db)
    except NotFound as exc:
        raise RoostError(page._("This server has no terms of service."), status=404) from exc
    return _text_page(page, page._("Terms of service"), found.content, found.effective_date, "")


def _form(page: Page, values: dict[str, str], *, status: int = 200, error: str = "") -> Response:
    return render(
        page,
        "admin_about.html",
        status_code=status,
        values=values,
        error=error,
        saved=page.request.query_params.get("saved") == "1",
    )


@page_view(login=True)
async def settings_page(page: Page) -> Response:
    """GET /admin/settings/about: the form of the instance's texts."""
    check_staff(page, "manage_settings")
    values = await queries.texts_as_typed(page.roost.db)
    values["terms_date"] = values["terms_date"] or utcnow().date().isoformat()
    return _form(page, values)


@form_view()
async def settings_submit(page: Page) -> Response:
    """POST /admin/settings/about: save the texts (one transaction each)."""
    check_staff(page, "manage_settings")
    form = await read_form(page)
    values = {
        name: form_str(page, form, name, max_len=actions.MAX_TEXT)
        for name in (*actions.TEXTS, "terms_of_service")
    }
    values["terms_date"] = form_str(page, form, "terms_date", max_len=10)
    try:
        effective = date.fromisoformat(values["terms_date"])
    except ValueError:
        message = page._("Give the date the terms take effect.")
        return _form(page, values, status=422, error=message)
    texts = {name: values[name] for name in actions.TEXTS}
    try:
        await actions.do_set_texts(page.roost.db, texts, (values["terms_of_service"], effective))
    except Invalid as exc:
        return _form(page, values, status=422, error=exc.message)
    return redirect("/admin/settings/about?saved=1")
