"""One's scheduled posts: the page that lists them, soonest first, and cancelling one."""

from __future__ import annotations

from starlette.responses import Response

from roost.errors import NotFound
from roost.scheduled.actions import do_cancel_scheduled
from roost.scheduled.queries import access_scheduled_soonest, stored_params
from roost.web.render import Page, form_view, page_view, parse_id, read_form, redirect, render

SHOWN = 300  # all of them: Mastodon's limit of posts waiting (roost.scheduled.actions)


@page_view(login=True)
async def scheduled_page(page: Page) -> Response:
    """GET /scheduled: the viewer's scheduled posts, the next to be published first, each
    with its time (UTC) and a Cancel button."""
    rows = await access_scheduled_soonest(page.roost.db, page.me_id, limit=SHOWN)
    posts = [(row, stored_params(row)) for row in rows]
    return render(page, "scheduled.html", posts=posts)


@form_view()
async def cancel_scheduled(page: Page) -> Response:
    """POST /scheduled/{id}/cancel: cancel one of one's scheduled posts."""
    row_id = parse_id(str(page.request.path_params["id"]))
    if row_id is None:
        raise NotFound()
    await read_form(page)
    await do_cancel_scheduled(page.roost.db, page.me_id, row_id)
    return redirect("/scheduled")
