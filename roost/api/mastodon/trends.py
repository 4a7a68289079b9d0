"""/api/v1/trends: the hashtags, posts and links many different people are using and
sharing."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import Response

from roost.api.http import Api, ApiRequest
from roost.api.mastodon.accounts import check_scope_if_token
from roost.cards.entities import TrendsLink
from roost.http.responses import json_response
from roost.search.entities import Tag
from roost.statuses.entities import Status
from roost.tags.queries import render_tags_for
from roost.trends.links import render_links
from roost.trends.queries import tag_rows, trending_links, trending_statuses, trending_tags

api = Api()


def _paged(req: ApiRequest, content: object, offset: int, limit: int, full: bool) -> Response:
    """Trends page by `offset`, with Mastodon's Link header (next while pages are full)."""
    headers = {}
    if full:
        keep = [(k, v) for k, v in req.request.query_params.multi_items() if k != "offset"]
        base = req.roost.settings.base_url + req.request.url.path
        headers["Link"] = f'<{base}?{urlencode([*keep, ("offset", offset + limit)])}>; rel="next"'
    return json_response(content, headers=headers)


async def _tags(req: ApiRequest) -> Response:
    check_scope_if_token(req, "read")
    p = req.params
    limit, offset = p.int("limit", 10, lo=1, hi=20), p.int("offset", 0, lo=0, hi=1000)
    roost = req.roost
    ids = await trending_tags(
        roost.db, roost.cache, review=roost.settings.trends_review, limit=limit, offset=offset
    )
    rows = await tag_rows(roost.db, ids)
    rendered = await render_tags_for(roost.db, req.viewer_id, rows, roost.settings.base_url)
    return _paged(req, rendered, offset, limit, len(ids) == limit)


@api.route("/api/v1/trends/tags", response=list[Tag])
async def tags(req: ApiRequest) -> Response:
    """Hashtags many different people used in the last two days, the strongest first."""
    return await _tags(req)


@api.route("/api/v1/trends", response=list[Tag])
async def tags_old(req: ApiRequest) -> Response:
    """The older path of /api/v1/trends/tags (Mastodon keeps both)."""
    return await _tags(req)


@api.route("/api/v1/trends/links", response=list[TrendsLink])
async def links(req: ApiRequest) -> Response:
    """Links many different people shared in public posts in the last two days, with
    their preview cards and their week's history."""
    check_scope_if_token(req, "read")
    p = req.params
    limit, offset = p.int("limit", 10, lo=1, hi=20), p.int("offset", 0, lo=0, hi=1000)
    roost = req.roost
    ids = await trending_links(
        roost.db, roost.cache, review=roost.settings.trends_review, limit=limit, offset=offset
    )
    rendered = await render_links(roost.db, roost.media_storage, ids)
    return _paged(req, rendered, offset, limit, len(ids) == limit)


@api.route("/api/v1/trends/statuses", response=list[Status])
async def statuses(req: ApiRequest) -> Response:
    """Recent public posts many different people liked, boosted or quoted."""
    check_scope_if_token(req, "read")
    p = req.params
    limit, offset = p.int("limit", 20, lo=1, hi=40), p.int("offset", 0, lo=0, hi=1000)
    roost = req.roost
    found = await trending_statuses(
        roost.db, roost.cache, req.viewer_id, review=roost.settings.trends_review,
        limit=limit, offset=offset,
    )  # fmt: skip
    rendered = await roost.statuses.render(found, "public")
    return _paged(req, rendered, offset, limit, len(found) == limit)
