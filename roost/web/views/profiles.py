"""Profiles (/@name with its tabs), a post's own page with its thread, following, and
answering follow requests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response

from roost.accounts.entities import Account
from roost.accounts.queries import access_account_by_acct
from roost.db import Database
from roost.errors import NotFound
from roost.graph.actions import (
    do_authorize_follow_request,
    do_follow,
    do_reject_follow_request,
    do_unfollow,
)
from roost.graph.entities import Relationship
from roost.graph.people_queries import access_endorsements
from roost.graph.queries import access_own_list, render_relationships
from roost.statuses.queries import access_status
from roost.tags.queries import check_tag_name, featured_tags_of
from roost.timelines import queries as tl
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
from roost.web.views.filters import in_context
from roost.web.views.timelines import PAGE_SIZE, older_link, statuses_of

TABS = ("posts", "with_replies", "media")
REQUESTS_PAGE = 40
FEATURED = 12  # featured accounts shown on a profile


async def account_of(page: Page) -> Account:
    """The account a /@name page is about; NotFound if none is shown."""
    name = str(page.request.path_params["name"])
    row = await access_account_by_acct(page.roost.db, name, page.roost.settings.domain)
    return page.roost.accounts.entity(row)


async def _relationship(page: Page, account: Account) -> Relationship | None:
    if page.viewer is None or account.id == str(page.me_id):
        return None
    found = await render_relationships(page.roost.db, page.me_id, [int(account.id)])
    return found[0] if found else None


async def _featured(page: Page, account_id: int) -> list[Account]:
    """The accounts a profile features (its endorsements), a few."""
    edges = await access_endorsements(
        page.roost.db, account_id, max_id=None, since_id=None, limit=FEATURED
    )
    return await page.roost.accounts.listed(edges.account_ids)


async def _profile(page: Page, tab: str, tagged: str | None = None) -> Response:
    account = await account_of(page)
    paging = tl.Paging(max_id=parse_id(page.request.query_params.get("max_id")), limit=PAGE_SIZE)
    ids = await tl.account_timeline(
        page.roost.db,
        page.viewer_id,
        int(account.id),
        paging,
        exclude_replies=tab == "posts",
        only_media=tab == "media",
        tagged=tagged,
    )
    return render(
        page,
        "profile.html",
        account=account,
        featured_tags=await featured_tags_of(page.roost.db, int(account.id), page.base_url),
        tagged=tagged,
        relationship=await _relationship(page, account),
        featured=await _featured(page, int(account.id)),
        tab=tab,
        statuses=await statuses_of(page, ids, "account"),
        older=older_link(page, ids),
    )


@page_view()
async def profile(page: Page) -> Response:
    """GET /@name: an account's posts (without replies)."""
    return await _profile(page, "posts")


@page_view()
async def profile_with_replies(page: Page) -> Response:
    """GET /@name/with_replies"""
    return await _profile(page, "with_replies")


@page_view()
async def profile_media(page: Page) -> Response:
    """GET /@name/media"""
    return await _profile(page, "media")


@page_view()
async def profile_tagged(page: Page) -> Response:
    """GET /@name/tagged/{tag}: an account's posts with a hashtag (a featured tag's link)."""
    return await _profile(page, "tagged", check_tag_name(str(page.request.path_params["tag"])))


@page_view()
async def status_page(page: Page) -> Response:
    """GET /@name/{id}: a post, the thread above it, the replies below, and a reply box."""
    status_id = parse_id(str(page.request.path_params["id"]))
    if status_id is None:
        raise NotFound()
    db = page.roost.db
    row = await access_status(db, page.viewer_id, status_id)
    if row.reblog_of_id is not None:
        original = await access_status(db, page.viewer_id, row.reblog_of_id)
        status_id = original.id
    ancestors, descendants = await tl.context(db, page.viewer_id, status_id)
    rendered = await page.roost.statuses.visible(
        page.viewer_id, [*ancestors, status_id, *descendants]
    )
    by_id = {int(s.id): s for s in rendered}
    main = by_id.get(status_id)
    if main is None:
        raise NotFound()
    name = str(page.request.path_params["name"])
    canonical = f"/@{main.account.username}/{main.id}"
    if name.lower() != main.account.username.lower() or row.id != status_id:
        return redirect(canonical)
    mentions = [main.account.username, *(m.acct for m in main.mentions)]
    me = page.me.username if page.me else None
    prefill = " ".join(f"@{n}" for n in dict.fromkeys(mentions) if n != me)
    return render(
        page,
        "status.html",
        status=main,
        ancestors=await in_context(page, [by_id[i] for i in ancestors if i in by_id], "thread"),
        descendants=await in_context(page, [by_id[i] for i in descendants if i in by_id], "thread"),
        reply_prefill=f"{prefill} " if prefill else "",
    )


async def _follow_change(page: Page, follow: bool) -> Response:
    account = await account_of(page)
    form = await read_form(page)
    target = int(account.id)
    if follow:
        relationship = await do_follow(page.roost.db, page.me_id, target)
    else:
        relationship = await do_unfollow(page.roost.db, page.me_id, target)
    if wants_fragment(page.request):
        next_url = safe_next(form_str(page, form, "next", max_len=2000), f"/@{account.username}")
        return render(
            page, "_follow.html", account=account, relationship=relationship, next_url=next_url
        )
    return redirect(safe_next(form_str(page, form, "next", max_len=2000), f"/@{account.username}"))


@form_view()
async def follow(page: Page) -> Response:
    """POST /@name/follow (a request, for a locked account)."""
    return await _follow_change(page, True)


@form_view()
async def unfollow(page: Page) -> Response:
    """POST /@name/unfollow (or withdraw a request)."""
    return await _follow_change(page, False)


@page_view(login=True)
async def follow_requests(page: Page) -> Response:
    """GET /follow_requests: the accounts asking to follow the viewer (a locked account),
    newest request first, each with Accept and Reject."""
    max_id = parse_id(page.request.query_params.get("max_id"))
    edges = await access_own_list(
        page.roost.db, page.me_id, "requests", max_id=max_id, since_id=None, min_id=None,
        limit=REQUESTS_PAGE,
    )  # fmt: skip
    shown = await page.roost.accounts.listed(edges.account_ids)
    full = len(edges.account_ids) == REQUESTS_PAGE and edges.last_id is not None
    older = f"/follow_requests?max_id={edges.last_id}" if full else None
    return render(page, "follow_requests.html", accounts=shown, older=older)


Answer = Callable[[Database, int, int], Awaitable[Relationship]]
ANSWERS: dict[str, Answer] = {
    "authorize": do_authorize_follow_request,
    "reject": do_reject_follow_request,
}


@form_view()
async def answer_follow_request(page: Page) -> Response:
    """POST /follow_requests/{id}/authorize (or /reject): answer one request."""
    requester = parse_id(str(page.request.path_params["id"]))
    answer = ANSWERS.get(str(page.request.path_params["action"]))
    if requester is None or answer is None:
        raise NotFound()
    await read_form(page)
    await answer(page.roost.db, page.me_id, requester)
    return redirect("/follow_requests")
