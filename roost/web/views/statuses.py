"""Posting, and the buttons on a post: like, repost, bookmark, delete.

Each button is a small form that works without JavaScript (POST, then back to the page it
was on); app.js sends the same form with `X-Requested-With: roost` and swaps in the
re-rendered buttons this answers with.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response

from roost.db import Database
from roost.errors import NotFound
from roost.statuses import actions, posting
from roost.statuses.entities import VISIBILITIES
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
    safe_next,
    wants_fragment,
)

MAX_SPOILER = 500


def _compose_page(page: Page, *, status: int = 200, error: str = "", **values: str) -> Response:
    return render(
        page,
        "compose.html",
        status_code=status,
        error=error,
        text=values.get("text", ""),
        spoiler_text=values.get("spoiler_text", ""),
        visibility=values.get("visibility", ""),
        in_reply_to_id=values.get("in_reply_to_id", ""),
        next_url=values.get("next_url", "/"),
    )


@page_view(login=True)
async def compose(page: Page) -> Response:
    """GET /compose: the compose box on a page of its own (the phone layout's Post button)."""
    return _compose_page(page)


@form_view()
async def post_status(page: Page) -> Response:
    """POST /statuses: post (or reply); back to the page the form was on."""
    form = await read_form(page)
    text = form_str(page, form, "status", max_len=20_000)
    spoiler = form_str(page, form, "spoiler_text", max_len=2000).strip()
    visibility = form_str(page, form, "visibility", max_len=20) or None
    reply_to = form_str(page, form, "in_reply_to_id", max_len=20)
    next_url = safe_next(form_str(page, form, "next", max_len=2000))
    values = {
        "text": text,
        "spoiler_text": spoiler,
        "visibility": visibility or "",
        "in_reply_to_id": reply_to,
        "next_url": next_url,
    }
    limit = page.roost.settings.max_post_chars
    error = ""
    if not text.strip():
        error = page._("Write something first: the post is empty.")
    elif weighted_length(text) + weighted_length(spoiler) > limit:
        error = page._("The post is too long: at most %(limit)s characters.", limit=limit)
    elif len(spoiler) > MAX_SPOILER:
        error = page._("The content warning is too long.")
    elif visibility is not None and visibility not in VISIBILITIES:
        error = page._("Choose who can see the post.")
    if error:
        return _compose_page(page, status=422, error=error, **values)
    reply_id = parse_id(reply_to) if reply_to else None
    if reply_to and reply_id is None:
        raise NotFound()
    key = form_str(page, form, "idempotency_key", max_len=64) or None
    status_id = await posting.do_post_status(
        page.roost.db,
        page.me_id,
        posting.NewStatus(
            text=text,
            spoiler_text=spoiler,
            visibility=visibility,
            in_reply_to_id=reply_id,
            idempotency_key=key,
        ),
        base_url=page.base_url,
        max_chars=limit,
    )
    if next_url == "/":
        # The home feed is filled by a background job: name the post so the page shows it
        # even if the job has not run yet.
        return redirect(f"/?posted={status_id}")
    return redirect(next_url)


Interaction = Callable[[Database, int, int], Awaitable[object]]

INTERACTIONS: dict[str, Interaction] = {
    "favourite": actions.do_favourite,
    "unfavourite": actions.do_unfavourite,
    "reblog": actions.do_reblog,
    "unreblog": actions.do_unreblog,
    "bookmark": lambda db, me, sid: actions.do_bookmark(db, me, sid, True),
    "unbookmark": lambda db, me, sid: actions.do_bookmark(db, me, sid, False),
}


@form_view()
async def interact(page: Page) -> Response:
    """POST /statuses/{id}/{action}: like, repost or bookmark (and undo them)."""
    status_id = parse_id(str(page.request.path_params["id"]))
    action = INTERACTIONS.get(str(page.request.path_params["action"]))
    if status_id is None or action is None:
        raise NotFound()
    form = await read_form(page)
    await action(page.roost.db, page.me_id, status_id)
    if wants_fragment(page.request):
        status = await page.roost.statuses.one(page.me_id, status_id)
        target = status.reblog or status
        return render(
            page,
            "_actions.html",
            status=target,
            next_url=safe_next(form_str(page, form, "next", max_len=2000)),
        )
    return redirect(safe_next(form_str(page, form, "next", max_len=2000)) + f"#s-{status_id}")


@form_view()
async def delete_status(page: Page) -> Response:
    """POST /statuses/{id}/delete: delete one's own post."""
    status_id = parse_id(str(page.request.path_params["id"]))
    if status_id is None:
        raise NotFound()
    form = await read_form(page)
    row = await actions.do_delete_status(page.roost.db, page.me_id, status_id)
    if wants_fragment(page.request):
        return Response(status_code=204)
    next_url = safe_next(form_str(page, form, "next", max_len=2000))
    if next_url.rstrip("/").endswith(f"/{row.id}"):
        assert page.me is not None
        next_url = f"/@{page.me.username}"
    return redirect(next_url)
