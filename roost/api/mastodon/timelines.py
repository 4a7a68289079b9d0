"""Timelines: home, public, hashtag, an account's statuses, favourites and bookmarks."""

from __future__ import annotations

from starlette.responses import Response

from roost.accounts.queries import access_account
from roost.api.http import Api, ApiRequest, page_response
from roost.api.mastodon.statuses import paging
from roost.errors import NotFound
from roost.statuses.entities import Status
from roost.statuses.visible import Visible
from roost.timelines import queries as tl

api = Api()


async def _page(
    req: ApiRequest, ids: Visible, cursor: list[int] | None = None, context: str | None = None
) -> Response:
    """Render `ids` (as the viewer's filters show them in `context`); `cursor` are the
    paging ids when they differ from the status ids."""
    rendered = await req.roost.statuses.render(ids, context)
    keys = cursor if cursor is not None else ids
    return page_response(req, rendered, keys[0] if keys else None, keys[-1] if keys else None)


@api.route("/api/v1/timelines/home", scope="read:statuses", user=True, response=list[Status])
async def home(req: ApiRequest) -> Response:
    """The home timeline: posts and boosts of followed accounts, and one's own."""
    roost = req.roost
    ids = await tl.home_timeline(
        roost.db,
        roost.feeds,
        req.me_id,
        paging(req),
        fanout_threshold=roost.settings.fanout_threshold,
    )
    return await _page(req, ids, context="home")


@api.route("/api/v1/timelines/public", response=list[Status])
async def public(req: ApiRequest) -> Response:
    """Public posts on this server (`local`, `remote`, `only_media`)."""
    p = req.params
    ids = await tl.public_timeline(
        req.roost.db,
        req.viewer_id,
        paging(req),
        remote=p.bool("remote", False),
        only_media=p.bool("only_media", False),
    )
    return await _page(req, ids, context="public")


@api.route("/api/v1/timelines/tag/{hashtag}", response=list[Status])
async def tag(req: ApiRequest) -> Response:
    """Public posts with a hashtag (`any[]`, `all[]`, `none[]`)."""
    p = req.params
    ids = await tl.tag_timeline(
        req.roost.db,
        req.viewer_id,
        str(req.path["hashtag"]),
        paging(req),
        any_tags=[str(t) for t in p.list("any")],
        all_tags=[str(t) for t in p.list("all")],
        none_tags=[str(t) for t in p.list("none")],
        only_media=p.bool("only_media", False),
    )
    return await _page(req, ids, context="public")


@api.route("/api/v1/accounts/{id}/statuses", response=list[Status])
async def account_statuses(req: ApiRequest) -> Response:
    """An account's statuses (`pinned`, `exclude_replies`, `exclude_reblogs`, `only_media`,
    `tagged`)."""
    account_id = req.path_id()
    if await access_account(req.roost.db, account_id) is None:
        raise NotFound()
    p = req.params
    ids = await tl.account_timeline(
        req.roost.db,
        req.viewer_id,
        account_id,
        paging(req),
        pinned=p.bool("pinned", False),
        exclude_replies=p.bool("exclude_replies", False),
        exclude_reblogs=p.bool("exclude_reblogs", False),
        only_media=p.bool("only_media", False),
        tagged=p.str("tagged"),
    )
    return await _page(req, ids, context="account")


@api.route("/api/v1/favourites", scope="read:favourites", user=True, response=list[Status])
async def favourites(req: ApiRequest) -> Response:
    """Statuses the viewer favourited, most recent favourite first."""
    ids, rows = await tl.interactions_timeline(req.roost.db, req.me_id, tl.FAVOURITES, paging(req))
    return await _page(req, ids, rows)


@api.route("/api/v1/bookmarks", scope="read:bookmarks", user=True, response=list[Status])
async def bookmarks(req: ApiRequest) -> Response:
    """Statuses the viewer bookmarked, most recent first."""
    ids, rows = await tl.interactions_timeline(req.roost.db, req.me_id, tl.BOOKMARKS, paging(req))
    return await _page(req, ids, rows)
