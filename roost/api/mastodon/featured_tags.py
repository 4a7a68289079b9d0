"""/api/v1/featured_tags: the hashtags one features on one's profile, suggestions for
them, and any account's featured hashtags."""

from __future__ import annotations

from starlette.responses import Response

from roost.accounts.queries import access_account
from roost.api.http import Api, ApiRequest
from roost.api.mastodon.accounts import check_scope_if_token
from roost.errors import NotFound
from roost.http.responses import json_response
from roost.search.entities import Tag
from roost.tags import actions
from roost.tags.entities import FeaturedTag
from roost.tags.queries import featured_tag, featured_tags_of, tag_suggestions

api = Api()


@api.route("/api/v1/featured_tags", scope="read:accounts", user=True, response=list[FeaturedTag])
async def list_featured(req: ApiRequest) -> Response:
    """The hashtags one features, most used first."""
    return json_response(
        await featured_tags_of(req.roost.db, req.me_id, req.roost.settings.base_url)
    )


@api.route("/api/v1/featured_tags", "POST", scope="write:accounts", user=True, response=FeaturedTag)
async def create_featured(req: ApiRequest) -> Response:
    """Feature a hashtag (`name`, without the #) on one's profile; at most 10."""
    name = req.params.required_str("name", max_len=1000)
    db = req.roost.db
    tag_id = await actions.do_feature_tag(db, req.me_id, name)
    return json_response(await featured_tag(db, req.me_id, tag_id, req.roost.settings.base_url))


@api.route("/api/v1/featured_tags/{id}", "DELETE", scope="write:accounts", user=True)
async def delete_featured(req: ApiRequest) -> Response:
    """Stop featuring a hashtag, by its FeaturedTag id."""
    await actions.do_delete_featured_tag(req.roost.db, req.me_id, req.path_id())
    return json_response({})


@api.route(
    "/api/v1/featured_tags/suggestions", scope="read:accounts", user=True, response=list[Tag]
)
async def suggestions(req: ApiRequest) -> Response:
    """Up to 10 hashtags one used most in one's latest posts and does not feature yet."""
    return json_response(
        await tag_suggestions(req.roost.db, req.me_id, req.roost.settings.base_url)
    )


@api.route("/api/v1/accounts/{id}/featured_tags", response=list[FeaturedTag])
async def account_featured(req: ApiRequest) -> Response:
    """The hashtags an account features on its profile."""
    check_scope_if_token(req, "read:accounts")
    db = req.roost.db
    account = await access_account(db, req.path_id())
    if account is None:
        raise NotFound()
    return json_response(await featured_tags_of(db, account.id, req.roost.settings.base_url))
