"""Muted words: one's filters in settings (a word or phrase, where, how, for how long),
and how the web's pages show the posts they match."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from starlette.responses import Response

from roost.errors import Invalid, NotFound, RoostError
from roost.filters import actions
from roost.filters.actions import CONTEXTS, FilterChange, KeywordChange
from roost.filters.queries import filters_of
from roost.statuses.entities import Status
from roost.web.render import Page, form_str, form_view, page_view, parse_id, read_form, redirect
from roost.web.render import render as render_page

# (seconds, label key) offered for how long a muted word lasts; 0: for good.
EXPIRIES = (0, 1800, 3600, 21600, 43200, 86400, 604800)


def shown_warnings(statuses: Sequence[Status], context: str, viewer_id: int) -> list[Status]:
    """For the web's status cards: `filtered` keeps only the `warn` filters of `context`
    (never on one's own posts), whose card then shows collapsed."""
    out = []
    me = str(viewer_id)
    for s in statuses:
        if s.filtered:
            own = (s.reblog or s).account.id == me
            warn = [r for r in s.filtered if r["filter"]["filter_action"] == "warn"
                    and context in r["filter"]["context"]]  # fmt: skip
            s = msgspec.structs.replace(s, filtered=None if own or not warn else warn)
        out.append(s)
    return out


async def in_context(page: Page, statuses: list[Status], context: str) -> list[Status]:
    """Rendered statuses as the viewer's filters show them in `context` on the web."""
    if page.viewer is None:
        return statuses
    shown = await page.roost.statuses.filters.apply(page.me_id, statuses, context)
    return shown_warnings(shown, context, page.me_id)


def _expiry_labels(page: Page) -> dict[int, str]:
    return {
        0: page._("Never"),
        1800: page._("30 minutes"),
        3600: page._("1 hour"),
        21600: page._("6 hours"),
        43200: page._("12 hours"),
        86400: page._("1 day"),
        604800: page._("1 week"),
    }


def _context_labels(page: Page) -> dict[str, str]:
    return {
        "home": page._("Home and lists"),
        "notifications": page._("Notifications"),
        "public": page._("Public timelines"),
        "thread": page._("Conversations"),
        "account": page._("Profiles"),
    }


async def _page(page: Page, *, status: int = 200, error: str = "") -> Response:
    return render_page(
        page,
        "settings_filters.html",
        status_code=status,
        error=error,
        filters=await filters_of(page.roost.db, page.me_id),
        contexts=_context_labels(page),
        expiries=_expiry_labels(page),
        saved=page.request.query_params.get("saved") == "1",
        section="filters",
    )


@page_view(login=True)
async def filters_page(page: Page) -> Response:
    """GET /settings/filters: one's muted words, and a form to add one."""
    return await _page(page)


@form_view()
async def add_filter(page: Page) -> Response:
    """POST /settings/filters: mute a word or phrase."""
    form = await read_form(page)
    phrase = form_str(page, form, "phrase", max_len=1000).strip()
    contexts = [c for c in form.getlist("context") if isinstance(c, str) and c in CONTEXTS]
    action = form_str(page, form, "action", max_len=20)
    expires = form_str(page, form, "expires_in", max_len=20)
    seconds = int(expires) if expires.isascii() and expires.isdigit() else -1
    if not phrase:
        return await _page(page, status=422, error=page._("Type a word or phrase to mute."))
    if not contexts:
        return await _page(page, status=422, error=page._("Choose where to mute it."))
    if action not in ("warn", "hide") or seconds not in EXPIRIES:
        return await _page(page, status=422, error=page._("Choose one of the options offered."))
    change = FilterChange(
        title=phrase,
        context=contexts,
        action=action,
        expires_in=seconds or None,
        keywords=[KeywordChange(keyword=phrase, whole_word=form.get("whole_word") == "1")],
    )
    try:
        await actions.do_create_filter(page.roost.db, page.me_id, change)
    except Invalid as exc:
        message = page._("The word could not be muted: %(why)s",
                         why=exc.message.removeprefix("Validation failed: "))  # fmt: skip
        return await _page(page, status=422, error=message)
    return redirect("/settings/filters?saved=1")


@form_view()
async def delete_filter(page: Page) -> Response:
    """POST /settings/filters/{id}/delete: unmute."""
    filter_id = parse_id(str(page.request.path_params["id"]))
    if filter_id is None:
        raise NotFound()
    await read_form(page)
    try:
        await actions.do_delete_filter(page.roost.db, page.me_id, filter_id)
    except NotFound as exc:
        raise RoostError(page._("There is no such muted word."), status=404) from exc
    return redirect("/settings/filters")
