"""Notifications: the grouped list (All and Mentions tabs), the requests of senders the
notification policy filtered (accept or dismiss each) with the policy's form, and the
unread count the navigation's badge shows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import JSONResponse, Response

from roost.db import Database
from roost.errors import NotFound
from roost.notifications import queries, request_queries
from roost.notifications.actions import (
    do_accept_requests,
    do_dismiss_requests,
    do_update_policy,
)
from roost.notifications.group_queries import GroupFilter, list_groups
from roost.notifications.group_render_queries import render_groups
from roost.notifications.policy import POLICY_FIELDS
from roost.timelines.markers import do_save_markers, last_read_id
from roost.timelines.queries import Paging
from roost.web.render import (
    SECURITY_HEADERS,
    Page,
    form_str,
    form_view,
    page_view,
    parse_id,
    read_form,
    redirect,
    render,
)
from roost.web.views.timelines import PAGE_SIZE, older_link

REQUESTS_PAGE = 20
BADGE_LIMIT = 100  # the badge counts this far ("99+" past it)


@page_view(login=True)
async def notifications(page: Page) -> Response:
    """GET /notifications: likes, reposts and follows in groups ("Ana and 3 others liked
    your post"), mentions; `?filter=mentions` shows mentions only. The first page marks
    what it shows as read (the badge's count starts again from there)."""
    mentions = page.request.query_params.get("filter") == "mentions"
    max_id = parse_id(page.request.query_params.get("max_id"))
    found, ids = await list_groups(
        page.roost.db,
        page.me_id,
        Paging(max_id=max_id, limit=PAGE_SIZE),
        GroupFilter(types=("mention",) if mentions else None),
    )
    results = await render_groups(page.roost.statuses, page.me_id, found)
    accounts = {a.id: a for a in results.accounts}
    statuses = {s.id: s for s in results.statuses}
    groups = [
        (g, [accounts[i] for i in g.sample_account_ids], statuses.get(g.status_id or ""))
        for g in results.notification_groups
    ]
    if max_id is None and not mentions and ids:
        read = await last_read_id(page.roost.db, page.me_id, "notifications")
        if read is None or read < ids[0]:
            await do_save_markers(page.roost.db, page.me_id, {"notifications": ids[0]})
    _, summary = await request_queries.access_policy(page.roost.db, page.me_id)
    older = older_link(page, ids)
    return render(
        page,
        "notifications.html",
        groups=groups,
        mentions=mentions,
        pending=summary.pending_requests_count,
        older=f"{older}&filter=mentions" if older and mentions else older,
    )


@page_view(login=True)
async def unread_count(page: Page) -> Response:
    """GET /notifications/unread_count: {"count": n}, the notifications newer than the
    notifications marker (at most 100), for the navigation's badge."""
    read = await last_read_id(page.roost.db, page.me_id, "notifications")
    count = await queries.unread_count(page.roost.db, page.me_id, read, limit=BADGE_LIMIT)
    return JSONResponse({"count": count}, headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})


@page_view(login=True)
async def requests_page(page: Page) -> Response:
    """GET /notifications/requests: the senders whose notifications the policy filtered,
    newest first, each with Accept and Dismiss; and the policy's form."""
    max_id = parse_id(page.request.query_params.get("max_id"))
    rows = await request_queries.list_requests(
        page.roost.db, page.me_id, Paging(max_id=max_id, limit=REQUESTS_PAGE)
    )
    shown = await request_queries.render_requests(page.roost.statuses, page.me_id, rows)
    policy, summary = await request_queries.access_policy(page.roost.db, page.me_id)
    older = f"/notifications/requests?max_id={rows[-1].id}" if len(rows) == REQUESTS_PAGE else None
    return render(
        page,
        "notification_requests.html",
        requests=shown,
        policy=policy,
        summary=summary,
        older=older,
        saved=page.request.query_params.get("saved") == "1",
    )


Answer = Callable[[Database, int, list[int]], Awaitable[int]]
ANSWERS: dict[str, Answer] = {"accept": do_accept_requests, "dismiss": do_dismiss_requests}


@form_view()
async def answer_request(page: Page) -> Response:
    """POST /notifications/requests/{id}/accept (or /dismiss): answer one request."""
    request_id = parse_id(str(page.request.path_params["id"]))
    answer = ANSWERS.get(str(page.request.path_params["action"]))
    if request_id is None or answer is None:
        raise NotFound()
    await read_form(page)
    await request_queries.access_request(page.roost.db, page.me_id, request_id)
    await answer(page.roost.db, page.me_id, [request_id])
    return redirect("/notifications/requests")


@form_view()
async def update_policy(page: Page) -> Response:
    """POST /notifications/policy: accept, filter or drop for each kind of sender."""
    form = await read_form(page)
    changes = {name: form_str(page, form, name, max_len=10) for name in POLICY_FIELDS}
    await do_update_policy(page.roost.db, page.me_id, {k: v for k, v in changes.items() if v})
    return redirect("/notifications/requests?saved=1")
