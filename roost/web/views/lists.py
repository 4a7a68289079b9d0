"""Lists on the web: make and manage one's lists, and read each as a timeline."""

from __future__ import annotations

from starlette.responses import Response

from roost.accounts.queries import access_account_by_username
from roost.errors import Invalid, NotFound, RoostError
from roost.lists import actions
from roost.lists.queries import access_list, list_timeline, lists_of, member_ids
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
from roost.web.views.timelines import PAGE_SIZE, older_link, statuses_of


def _list_id(page: Page) -> int:
    list_id = parse_id(str(page.request.path_params["id"]))
    if list_id is None:
        raise NotFound()
    return list_id


@page_view(login=True)
async def lists_page(page: Page) -> Response:
    """GET /lists: one's lists, and a form to make one."""
    return render(page, "lists.html", nav="lists", lists=await lists_of(page.roost.db, page.me_id))


@form_view()
async def create(page: Page) -> Response:
    """POST /lists: make a list."""
    form = await read_form(page)
    title = form_str(page, form, "title", max_len=1000)
    policy = form_str(page, form, "replies_policy", max_len=20) or "list"
    try:
        list_id = await actions.do_create_list(page.roost.db, page.me_id, title, policy)
    except Invalid as exc:
        raise RoostError(page._("The list needs a title (at most 256 characters)."),
                         status=422) from exc  # fmt: skip
    return redirect(f"/lists/{list_id}")


@page_view(login=True)
async def list_page(page: Page) -> Response:
    """GET /lists/{id}: the list's timeline, its members, and its settings."""
    db, list_id = page.roost.db, _list_id(page)
    row = await access_list(db, page.me_id, list_id)
    max_id = parse_id(page.request.query_params.get("max_id"))
    ids = await list_timeline(
        db, page.roost.list_feeds, page.me_id, list_id, max_id=max_id, since_id=None,
        min_id=None, limit=PAGE_SIZE,
    )  # fmt: skip
    members = await page.roost.accounts.listed(
        await member_ids(db, page.me_id, list_id, limit=10_000)
    )
    return render(
        page,
        "list.html",
        nav="lists",
        list=row,
        members=members,
        statuses=await statuses_of(page, ids, "home"),
        older=older_link(page, ids),
        next_url=f"/lists/{list_id}",
    )


@form_view()
async def change(page: Page) -> Response:
    """POST /lists/{id}/{action}: rename, add or remove a member, or delete the list."""
    db, list_id = page.roost.db, _list_id(page)
    action = str(page.request.path_params["action"])
    form = await read_form(page)
    back = redirect(f"/lists/{list_id}")
    if action == "delete":
        await actions.do_delete_list(db, page.me_id, list_id)
        return redirect("/lists")
    if action == "settings":
        title = form_str(page, form, "title", max_len=1000)
        policy = form_str(page, form, "replies_policy", max_len=20) or None
        try:
            await actions.do_update_list(
                db, page.me_id, list_id, title=title, replies_policy=policy,
                exclusive=form.get("exclusive") == "1",
            )  # fmt: skip
        except Invalid as exc:
            raise RoostError(page._("The list needs a title (at most 256 characters)."),
                             status=422) from exc  # fmt: skip
        return back
    if action == "add":
        name = form_str(page, form, "username", max_len=100).strip().lstrip("@")
        account = await access_account_by_username(db, name) if name else None
        if account is None:
            raise RoostError(page._("There is no account by that name."), status=422)
        try:
            await actions.do_add_members(db, page.me_id, list_id, [account.id])
        except Invalid as exc:
            raise RoostError(page._("You can only add people you follow to a list."),
                             status=422) from exc  # fmt: skip
        return back
    if action == "remove":
        account_id = parse_id(form_str(page, form, "account_id", max_len=20))
        if account_id is None:
            raise NotFound()
        await actions.do_remove_members(db, page.me_id, list_id, [account_id])
        return back
    raise NotFound()
