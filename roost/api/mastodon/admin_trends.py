"""/api/v1/admin/trends: what ranks as trending, reviewed or not, and approving or
rejecting it (with ROOST_TRENDS_REVIEW=1 nothing trends before it is approved).

Listing needs the `admin:read` scope, approving and rejecting `admin:write`; the role must
grant `manage_taxonomies` (403 "This action is not allowed" otherwise, as Mastodon). Each
decision is written to the audit log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response

from roost.api.http import Api, ApiRequest
from roost.errors import NotFound
from roost.http.responses import json_response
from roost.moderation.stats_trends import (
    AdminTag,
    AdminTrendsLink,
    AdminTrendStatus,
    Decisions,
    access_trend_candidates,
    admin_statuses,
    admin_tags,
    check_reviewer,
    render_admin_links,
)
from roost.statuses.queries import visible_ids
from roost.tags.queries import render_tags_for
from roost.trends.actions import do_review
from roost.trends.queries import tag_rows

api = Api()
Handler = Callable[[ApiRequest], Awaitable[Response]]
READ, WRITE = "admin:read", "admin:write"


async def _page(req: ApiRequest, kind: str, default: int) -> tuple[list[int], Decisions]:
    p, roost = req.params, req.roost
    return await access_trend_candidates(
        roost.db, roost.cache, req.staff, kind,
        limit=p.int("limit", default, lo=1, hi=200), offset=p.int("offset", 0, lo=0, hi=200),
    )  # fmt: skip


async def _tags(req: ApiRequest, ids: list[int], decisions: Decisions) -> list[AdminTag]:
    roost = req.roost
    rows = await tag_rows(roost.db, ids)
    rendered = await render_tags_for(roost.db, req.viewer_id, rows, roost.settings.base_url)
    return admin_tags(rendered, decisions, roost.settings.trends_review)


async def _statuses(
    req: ApiRequest, ids: list[int], decisions: Decisions
) -> list[AdminTrendStatus]:
    seen = await visible_ids(req.roost.db, req.viewer_id, ids)
    return admin_statuses(await req.roost.statuses.render(seen), decisions)


async def _links(req: ApiRequest, ids: list[int], decisions: Decisions) -> list[AdminTrendsLink]:
    return await render_admin_links(req.roost.db, req.roost.media_storage, ids, decisions)


@api.route("/api/v1/admin/trends/tags", scope=READ, user=True, response=list[AdminTag])
async def tags(req: ApiRequest) -> Response:
    """Hashtags ranking as trending, the strongest first, waiting for review or not."""
    ids, decisions = await _page(req, "tag", 10)
    return json_response(await _tags(req, ids, decisions))


@api.route("/api/v1/admin/trends/statuses", scope=READ, user=True, response=list[AdminTrendStatus])
async def statuses(req: ApiRequest) -> Response:
    """Posts ranking as trending, the strongest first, waiting for review or not."""
    ids, decisions = await _page(req, "status", 20)
    return json_response(await _statuses(req, ids, decisions))


@api.route("/api/v1/admin/trends/links", scope=READ, user=True, response=list[AdminTrendsLink])
async def links(req: ApiRequest) -> Response:
    """Links ranking as trending, the strongest first, waiting for review or not."""
    ids, decisions = await _page(req, "link", 10)
    return json_response(await _links(req, ids, decisions))


async def _decide(req: ApiRequest, kind: str, trendable: bool) -> Response:
    actor, target_id = req.staff, req.path_id()
    check_reviewer(actor)
    if kind == "status" and not await visible_ids(req.roost.db, req.viewer_id, [target_id]):
        raise NotFound()
    await do_review(req.roost.db, kind, target_id, trendable, actor)
    decided: Decisions = {target_id: trendable}
    found: list[Any] = await _RENDER[kind](req, [target_id], decided)
    if not found:
        raise NotFound()
    return json_response(found[0])


_RENDER: dict[str, Callable[[ApiRequest, list[int], Decisions], Awaitable[list[Any]]]] = {
    "tag": _tags, "status": _statuses, "link": _links,
}  # fmt: skip


def _review_handler(kind: str, trendable: bool) -> Handler:
    async def handler(req: ApiRequest) -> Response:
        return await _decide(req, kind, trendable)

    return handler


def _review_route(path: str, kind: str, response: type) -> None:
    for verb, trendable in (("approve", True), ("reject", False)):
        handler = _review_handler(kind, trendable)
        handler.__doc__ = f"{verb.capitalize()} the trending {kind}: " + (
            "let it trend." if trendable else "keep it out of trends for good."
        )
        handler.__name__ = f"{verb}_trending_{kind}"
        api.route(f"/api/v1/admin/trends/{path}/{{id}}/{verb}", "POST", scope=WRITE, user=True,
                  response=response)(handler)  # fmt: skip


_review_route("tags", "tag", AdminTag)
_review_route("statuses", "status", AdminTrendStatus)
_review_route("links", "link", AdminTrendsLink)
