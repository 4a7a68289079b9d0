"""Editing one's post on the web, and any post's history of versions."""

from __future__ import annotations

from starlette.responses import Response

from roost.errors import Invalid, NotFound
from roost.statuses.edits import StatusChange, do_edit_status
from roost.statuses.entities import Status
from roost.text.length import weighted_length
from roost.web.render import (
    Page,
    form_str,
    form_view,
    page_view,
    parse_id,
    read_form,
    redirect,
    render,
)
from roost.web.views.statuses import MAX_SPOILER


async def _own_status(page: Page) -> tuple[Status, str]:
    """The signed-in person's post named by the path, and its source text."""
    status_id = parse_id(str(page.request.path_params["id"]))
    if status_id is None:
        raise NotFound()
    status = await page.roost.statuses.one(page.me_id, status_id)
    if status.reblog is not None or status.account.id != str(page.me_id):
        raise NotFound()
    source = await page.roost.statuses.source(page.me_id, status_id)
    return status, source


def _edit_page(page: Page, status: Status, text: str, cw: str, error: str = "") -> Response:
    return render(
        page, "edit.html", status_code=422 if error else 200, status=status, text=text,
        spoiler_text=cw, error=error,
    )  # fmt: skip


@page_view(login=True)
async def edit_page(page: Page) -> Response:
    """GET /@name/{id}/edit: the post's text and content warning, ready to change."""
    status, source = await _own_status(page)
    return _edit_page(page, status, source, status.spoiler_text)


@form_view()
async def edit_submit(page: Page) -> Response:
    """POST /@name/{id}/edit: save the new version (its poll stays as it is)."""
    status, _ = await _own_status(page)
    form = await read_form(page)
    text = form_str(page, form, "status", max_len=20_000)
    cw = form_str(page, form, "spoiler_text", max_len=2000).strip()
    limit = page.roost.settings.max_post_chars
    error = ""
    if not text.strip():
        error = page._("Write something first: the post is empty.")
    elif weighted_length(text) + weighted_length(cw) > limit:
        error = page._("The post is too long: at most %(limit)s characters.", limit=limit)
    elif len(cw) > MAX_SPOILER:
        error = page._("The content warning is too long.")
    if error:
        return _edit_page(page, status, text, cw, error)
    change = StatusChange(text=text, spoiler_text=cw, language=status.language, keep_poll=True)
    try:
        await do_edit_status(
            page.roost.db, page.me_id, int(status.id), change, base_url=page.base_url,
            max_chars=limit,
        )  # fmt: skip
    except Invalid:
        return _edit_page(page, status, text, cw, page._("The post could not be saved."))
    return redirect(f"/@{status.account.username}/{status.id}")


@page_view()
async def history_page(page: Page) -> Response:
    """GET /@name/{id}/history: every version of a post, newest first."""
    status_id = parse_id(str(page.request.path_params["id"]))
    if status_id is None:
        raise NotFound()
    versions = await page.roost.statuses.history(page.viewer_id, status_id)
    status = await page.roost.statuses.one(page.viewer_id, status_id)
    return render(page, "history.html", status=status, versions=list(reversed(versions)))
