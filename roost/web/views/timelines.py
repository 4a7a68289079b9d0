"""Timelines: home (with the compose box and live updates), public and bookmarks (a
hashtag's page is in views/tags.py, notifications in views/notifications.py)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.responses import Response

from roost.errors import RoostError
from roost.statuses.entities import Status
from roost.statuses.visible import Visible
from roost.timelines import queries as tl
from roost.web.render import Page, page_view, parse_id, render
from roost.web.views.announcements import QUICK_REACTIONS, unread_announcements
from roost.web.views.filters import shown_warnings

PAGE_SIZE = 20
NEW_POSTS_MAX = 40


def _paging(page: Page, limit: int = PAGE_SIZE) -> tl.Paging:
    return tl.Paging(max_id=parse_id(page.request.query_params.get("max_id")), limit=limit)


def older_link(page: Page, cursor: Sequence[int], limit: int = PAGE_SIZE) -> str | None:
    """The "older posts" URL when the page was full (there may be more)."""
    if len(cursor) < limit:
        return None
    return f"{page.request.url.path}?max_id={cursor[-1]}"


async def home_ids(page: Page, paging: tl.Paging) -> Visible:
    roost = page.roost
    return await tl.home_timeline(
        roost.db,
        roost.feeds,
        page.me_id,
        paging,
        fanout_threshold=roost.settings.fanout_threshold,
    )


async def statuses_of(page: Page, ids: Visible, context: str | None = None) -> list[Status]:
    """Render `ids`; with a filter `context`, as the viewer's muted words show them there."""
    rendered = await page.roost.statuses.render(ids, context)
    if context is None or page.viewer is None:
        return rendered
    return shown_warnings(rendered, context, page.me_id)


@page_view()
async def home(page: Page) -> Response:
    """GET /: the home timeline with the compose box; a welcome page when signed out."""
    if page.viewer is None:
        ids = await tl.public_timeline(page.roost.db, None, tl.Paging(limit=10))
        return render(page, "welcome.html", statuses=await statuses_of(page, ids))
    paging = _paging(page)
    ids = await home_ids(page, paging)
    statuses = await statuses_of(page, ids, "home")
    posted = parse_id(page.request.query_params.get("posted"))
    if posted is not None and posted not in ids and paging.max_id is None:
        statuses = [*await _own_post(page, posted), *statuses]
    return render(
        page,
        "home.html",
        statuses=statuses,
        older=older_link(page, ids),
        stream="home",
        announcements=await unread_announcements(page) if paging.max_id is None else [],
        quick_reactions=QUICK_REACTIONS,
    )


async def _own_post(page: Page, status_id: int) -> list[Status]:
    """The status when it is the viewer's own post (just posted, maybe not in the feed yet)."""
    found = await page.roost.statuses.visible(page.me_id, [status_id])
    return [s for s in found if s.account.id == str(page.me_id)]


@page_view()
async def home_new(page: Page) -> Response:
    """GET /home/new?since_id=: the home posts newer than the top one on the page, as an
    HTML fragment app.js inserts (live updates)."""
    if page.viewer is None:
        raise RoostError(page._("Please sign in first."), status=401)
    since = parse_id(page.request.query_params.get("since_id"))
    ids = await home_ids(page, tl.Paging(since_id=since, limit=NEW_POSTS_MAX))
    return render(page, "_statuses.html", statuses=await statuses_of(page, ids, "home"))


@page_view()
async def public(page: Page) -> Response:
    """GET /public: every public post of this server."""
    ids = await tl.public_timeline(page.roost.db, page.viewer_id, _paging(page))
    return render(
        page,
        "timeline.html",
        title=page._("Explore"),
        intro=page._("Public posts from everyone on this server."),
        statuses=await statuses_of(page, ids, "public"),
        older=older_link(page, ids),
        empty=page._("Nobody has posted anything public yet."),
    )


@page_view(login=True)
async def bookmarks(page: Page) -> Response:
    """GET /bookmarks: the posts the viewer bookmarked, newest bookmark first."""
    ids, cursor = await tl.interactions_timeline(
        page.roost.db, page.me_id, tl.BOOKMARKS, _paging(page)
    )
    return render(
        page,
        "timeline.html",
        title=page._("Bookmarks"),
        intro=page._("Posts you bookmarked. Only you can see this list."),
        statuses=await statuses_of(page, ids),
        older=older_link(page, cursor),
        empty=page._("You have not bookmarked any posts yet."),
    )
