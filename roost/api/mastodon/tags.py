"""/api/v1/tags/{name} (a hashtag, followed or featured by the viewer), following and
featuring hashtags, and /api/v1/followed_tags."""

from __future__ import annotations

from starlette.responses import Response

from roost.api.http import Api, ApiRequest, page_response
from roost.http.responses import json_response
from roost.search.entities import Tag
from roost.tags import actions
from roost.tags.queries import access_tag_entity, check_tag_name, followed_tags_page

api = Api()


async def _tag(req: ApiRequest) -> Response:
    roost = req.roost
    name = str(req.path["name"])
    return json_response(
        await access_tag_entity(roost.db, req.viewer_id, name, roost.settings.base_url)
    )


@api.route("/api/v1/tags/{name}", response=Tag)
async def show_tag(req: ApiRequest) -> Response:
    """A hashtag with its use over the last week (never used: an empty history), and
    whether the viewer follows and features it."""
    return await _tag(req)


@api.route("/api/v1/tags/{name}/follow", "POST", scope="write:follows", user=True, response=Tag)
async def follow_tag(req: ApiRequest) -> Response:
    """Follow a hashtag: its public posts come into one's home timeline (idempotent)."""
    await actions.do_follow_tag(req.roost.db, req.me_id, str(req.path["name"]))
    return await _tag(req)


@api.route("/api/v1/tags/{name}/unfollow", "POST", scope="write:follows", user=True, response=Tag)
async def unfollow_tag(req: ApiRequest) -> Response:
    """Stop following a hashtag (idempotent)."""
    await actions.do_unfollow_tag(req.roost.db, req.me_id, str(req.path["name"]))
    return await _tag(req)


@api.route("/api/v1/tags/{name}/feature", "POST", scope="write:accounts", user=True, response=Tag)
async def feature_tag(req: ApiRequest) -> Response:
    """Feature a hashtag on one's profile (Mastodon 4.4; at most 10)."""
    name = check_tag_name(str(req.path["name"]))  # 404 here, as for the other tag routes
    await actions.do_feature_tag(req.roost.db, req.me_id, name)
    return await _tag(req)


@api.route("/api/v1/tags/{name}/unfeature", "POST", scope="write:accounts", user=True, response=Tag)
async def unfeature_tag(req: ApiRequest) -> Response:
    """Stop featuring a hashtag on one's profile (idempotent)."""
    await actions.do_unfeature_tag(req.roost.db, req.me_id, str(req.path["name"]))
    return await _tag(req)


@api.route("/api/v1/followed_tags", scope="read:follows", user=True, response=list[Tag])
async def followed_tags(req: ApiRequest) -> Response:
    """The hashtags one follows, most recently followed first (paged by `Link`)."""
    p = req.params
    found, ids = await followed_tags_page(
        req.roost.db, req.me_id, req.roost.settings.base_url, max_id=p.id("max_id"),
        since_id=p.id("since_id"), min_id=p.id("min_id"), limit=p.int("limit", 100, lo=1, hi=200),
    )  # fmt: skip
    return page_response(req, found, ids[0] if ids else None, ids[-1] if ids else None)
