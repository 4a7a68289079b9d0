"""/api/v1/lists: one's lists, their members, and each list's timeline."""

from __future__ import annotations

from starlette.responses import Response

from roost.accounts.entities import Account
from roost.api.http import Api, ApiRequest, page_response
from roost.http.responses import json_response
from roost.lists import actions
from roost.lists.entities import List
from roost.lists.queries import access_list, list_entity, list_timeline, lists_of, member_ids
from roost.statuses.entities import Status

api = Api()
MAX_MEMBERS_PER_CALL = 250


def _list_params(req: ApiRequest) -> tuple[str | None, str | None, bool]:
    p = req.params
    return (
        p.str("title", max_len=1000),
        p.str("replies_policy", max_len=20),
        bool(p.bool("exclusive", False)),
    )


@api.route("/api/v1/lists", scope="read:lists", user=True, response=list[List])
async def get_lists(req: ApiRequest) -> Response:
    """One's lists."""
    return json_response(await lists_of(req.roost.db, req.me_id))


@api.route("/api/v1/lists", "POST", scope="write:lists", user=True, response=List)
async def create_list(req: ApiRequest) -> Response:
    """Make a list (`title`, `replies_policy`: followed, list or none)."""
    title, policy, exclusive = _list_params(req)
    list_id = await actions.do_create_list(
        req.roost.db, req.me_id, title or "", policy or "list", exclusive
    )
    return json_response(list_entity(await access_list(req.roost.db, req.me_id, list_id)))


@api.route("/api/v1/lists/{id}", scope="read:lists", user=True, response=List)
async def get_list(req: ApiRequest) -> Response:
    """One of one's lists."""
    return json_response(list_entity(await access_list(req.roost.db, req.me_id, req.path_id())))


@api.route("/api/v1/lists/{id}", "PUT", scope="write:lists", user=True, response=List)
async def update_list(req: ApiRequest) -> Response:
    """Rename a list or change its replies policy."""
    title, policy, exclusive = _list_params(req)
    db, list_id = req.roost.db, req.path_id()
    await actions.do_update_list(
        db, req.me_id, list_id, title=title, replies_policy=policy, exclusive=exclusive
    )
    return json_response(list_entity(await access_list(db, req.me_id, list_id)))


@api.route("/api/v1/lists/{id}", "DELETE", scope="write:lists", user=True)
async def delete_list(req: ApiRequest) -> Response:
    """Delete a list (its members are not unfollowed)."""
    await actions.do_delete_list(req.roost.db, req.me_id, req.path_id())
    return json_response({})


@api.route("/api/v1/lists/{id}/accounts", scope="read:lists", user=True, response=list[Account])
async def get_members(req: ApiRequest) -> Response:
    """A list's members (`limit` 0 for all of them, as Mastodon)."""
    p = req.params
    limit = p.int("limit", 40, lo=0, hi=80)
    ids = await member_ids(
        req.roost.db, req.me_id, req.path_id(), max_id=p.id("max_id"),
        limit=limit if limit else 10_000,
    )  # fmt: skip
    found = await req.roost.accounts.listed(ids)
    return page_response(req, found, ids[0] if ids else None, ids[-1] if ids else None)


@api.route("/api/v1/lists/{id}/accounts", "POST", scope="write:lists", user=True)
async def add_members(req: ApiRequest) -> Response:
    """Add accounts one follows (`account_ids[]`)."""
    ids = req.params.ids("account_ids", most=MAX_MEMBERS_PER_CALL)
    await actions.do_add_members(req.roost.db, req.me_id, req.path_id(), ids)
    return json_response({})


@api.route("/api/v1/lists/{id}/accounts", "DELETE", scope="write:lists", user=True)
async def remove_members(req: ApiRequest) -> Response:
    """Take accounts out of a list (`account_ids[]`)."""
    ids = req.params.ids("account_ids", most=MAX_MEMBERS_PER_CALL)
    await actions.do_remove_members(req.roost.db, req.me_id, req.path_id(), ids)
    return json_response({})


@api.route("/api/v1/accounts/{id}/lists", scope="read:lists", user=True, response=list[List])
async def lists_with_account(req: ApiRequest) -> Response:
    """Which of one's lists an account is in."""
    return json_response(await lists_of(req.roost.db, req.me_id, member_id=req.path_id()))


@api.route("/api/v1/timelines/list/{list_id}", scope="read:lists", user=True, response=list[Status])
async def timeline(req: ApiRequest) -> Response:
    """The posts of a list's members, newest first."""
    p = req.params
    ids = await list_timeline(
        req.roost.db, req.roost.list_feeds, req.me_id, req.path_id("list_id"),
        max_id=p.id("max_id"), since_id=p.id("since_id"), min_id=p.id("min_id"),
        limit=p.int("limit", 20, lo=1, hi=40),
    )  # fmt: skip
    found = await req.roost.statuses.render(ids, "home")  # Mastodon's filter context for lists
    return page_response(req, found, ids[0] if ids else None, ids[-1] if ids else None)
