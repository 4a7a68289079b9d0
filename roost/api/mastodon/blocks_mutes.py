"""Blocking and muting accounts, and the lists of blocked and muted accounts."""

from __future__ import annotations

from starlette.responses import Response

from roost.accounts.entities import Account
from roost.api.http import Api, ApiRequest, page_response
from roost.api.mastodon.accounts import account_page, list_args
from roost.graph.actions import do_block, do_mute, do_unblock, do_unmute
from roost.graph.entities import Relationship
from roost.graph.queries import access_own_list
from roost.http.responses import json_response
from roost.timeutil import iso_or_none

api = Api()

MAX_MUTE_SECONDS = 100 * 365 * 86400  # longer is forever in all but name


class MutedAccount(Account, kw_only=True):
    """An Account in GET /api/v1/mutes, with when the mute ends."""

    mute_expires_at: str | None


@api.route("/api/v1/accounts/{id}/block", "POST", scope="write:blocks", user=True,
           response=Relationship)  # fmt: skip
async def block(req: ApiRequest) -> Response:
    """Block an account (ending follows both ways)."""
    return json_response(await do_block(req.roost.db, req.me_id, req.path_id()))


@api.route("/api/v1/accounts/{id}/unblock", "POST", scope="write:blocks", user=True,
           response=Relationship)  # fmt: skip
async def unblock(req: ApiRequest) -> Response:
    """Unblock an account."""
    return json_response(await do_unblock(req.roost.db, req.me_id, req.path_id()))


@api.route("/api/v1/accounts/{id}/mute", "POST", scope="write:mutes", user=True,
           response=Relationship)  # fmt: skip
async def mute(req: ApiRequest) -> Response:
    """Mute an account (`notifications`, default true; `duration` in seconds, 0: forever)."""
    account_id = req.path_id()
    p = req.params
    rel = await do_mute(
        req.roost.db,
        req.me_id,
        account_id,
        notifications=p.bool("notifications", True),
        duration=p.int("duration", 0, lo=0, hi=MAX_MUTE_SECONDS),
    )
    return json_response(rel)


@api.route("/api/v1/accounts/{id}/unmute", "POST", scope="write:mutes", user=True,
           response=Relationship)  # fmt: skip
async def unmute(req: ApiRequest) -> Response:
    """Unmute an account."""
    return json_response(await do_unmute(req.roost.db, req.me_id, req.path_id()))


@api.route("/api/v1/blocks", scope="read:blocks", user=True, response=list[Account])
async def blocks(req: ApiRequest) -> Response:
    """Accounts the viewer blocks, most recently blocked first."""
    page = await access_own_list(req.roost.db, req.me_id, "blocks", **list_args(req))
    return await account_page(req, page)


@api.route("/api/v1/mutes", scope="read:mutes", user=True, response=list[MutedAccount])
async def mutes(req: ApiRequest) -> Response:
    """Accounts the viewer mutes (until their mute expires), most recently muted first."""
    page = await access_own_list(req.roost.db, req.me_id, "mutes", **list_args(req))
    accounts = await req.roost.accounts.listed(page.account_ids)
    muted = [
        MutedAccount(
            **{f: getattr(a, f) for f in a.__struct_fields__},
            mute_expires_at=iso_or_none(page.expires.get(int(a.id))),
        )
        for a in accounts
    ]
    return page_response(req, muted, page.first_id, page.last_id)
