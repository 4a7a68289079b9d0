"""Finding and keeping people on the web: whom to follow and the directory (/explore/people),
featuring an account on one's profile, and one's private note about it."""

from __future__ import annotations

from starlette.responses import Response

from roost.graph import people
from roost.graph.people_queries import directory, suggestions
from roost.graph.queries import render_relationships
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
)
from roost.web.views.profiles import account_of

SUGGESTED = 10
DIRECTORY_PAGE = 20


@page_view()
async def explore_people(page: Page) -> Response:
    """GET /explore/people: whom one might follow (signed in), and the directory."""
    db = page.roost.db
    offset = parse_id(page.request.query_params.get("offset")) or 0
    suggested = await suggestions(db, page.me_id, SUGGESTED) if page.viewer else []
    listed = await directory(db, page.viewer_id, order="active", offset=offset,
                             limit=DIRECTORY_PAGE)  # fmt: skip
    ids = [s.account_id for s in suggested] + listed
    rendered = await page.roost.accounts.by_id(ids)
    relationships = {}
    if page.viewer is not None:
        others = [i for i in ids if i != page.me_id]
        found = await render_relationships(db, page.me_id, others)
        relationships = {int(r.id): r for r in found}
    more = len(listed) == DIRECTORY_PAGE
    return render(
        page,
        "people.html",
        suggested=[(rendered[s.account_id], s.sources) for s in suggested
                   if s.account_id in rendered],
        listed=[rendered[i] for i in listed if i in rendered],
        relationships=relationships,
        older=f"/explore/people?offset={offset + DIRECTORY_PAGE}" if more else None,
    )  # fmt: skip


@form_view()
async def dismiss(page: Page) -> Response:
    """POST /explore/people/{id}/dismiss: never suggest this account again."""
    account_id = parse_id(str(page.request.path_params["id"]))
    await read_form(page)
    if account_id is not None:
        await people.do_dismiss_suggestion(page.roost.db, page.me_id, account_id)
    return redirect("/explore/people")


@form_view()
async def endorse(page: Page) -> Response:
    """POST /@name/endorse (or /unendorse): feature an account on one's profile, or stop."""
    account = await account_of(page)
    form = await read_form(page)
    change = (
        people.do_endorse if page.request.url.path.endswith("/endorse") else people.do_unendorse
    )
    await change(page.roost.db, page.me_id, int(account.id))
    return redirect(safe_next(form_str(page, form, "next", max_len=2000), f"/@{account.username}"))


@form_view()
async def note(page: Page) -> Response:
    """POST /@name/note: one's private note about the account."""
    account = await account_of(page)
    form = await read_form(page)
    comment = form_str(page, form, "comment", max_len=people.MAX_NOTE * 4)
    await people.do_set_note(page.roost.db, page.me_id, int(account.id), comment)
    return redirect(f"/@{account.username}")
