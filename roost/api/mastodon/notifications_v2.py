"""/api/v2/notifications: notifications in groups (Mastodon 4.3+; Phanpy, Elk and
Mastodon's web client ask for these), one group, its accounts, dismissing it, and the
unread group count."""

from __future__ import annotations

from starlette.responses import Response

from roost.accounts.entities import Account
from roost.api.http import Api, ApiRequest, page_response
from roost.api.mastodon.statuses import paging
from roost.errors import Invalid, NotFound
from roost.http.responses import json_response
from roost.notifications import group_queries as groups
from roost.notifications.actions import do_dismiss_group
from roost.notifications.entities import GroupedNotificationsResults
from roost.notifications.group_render_queries import render_groups
from roost.timelines.markers import last_read_id

api = Api()

_MAX_KEY = 100  # longer than any group key Roost makes


def _filter(req: ApiRequest) -> groups.GroupFilter:
    p = req.params
    return groups.GroupFilter.of(
        types=[str(t) for t in p.list("types")],
        exclude_types=[str(t) for t in p.list("exclude_types")],
        from_account_id=p.id("account_id"),
        grouped_types=[str(t) for t in p.list("grouped_types")] if p.has("grouped_types") else None,
        include_filtered=bool(p.bool("include_filtered", False)),
    )


def _group_key(req: ApiRequest) -> str:
    key = str(req.path["group_key"])
    if not key or len(key) > _MAX_KEY:
        raise NotFound()
    return key


@api.route("/api/v2/notifications", scope="read:notifications", user=True,
           response=GroupedNotificationsResults)  # fmt: skip
async def list_groups(req: ApiRequest) -> Response:
    """Notifications in groups: `grouped_types[]`, `expand_accounts` (`full` or
    `partial_avatars`), `types[]`, `exclude_types[]`, `account_id`; paged by group."""
    expand = req.params.str("expand_accounts", "full")
    if expand not in ("full", "partial_avatars"):
        raise Invalid(
            f"Invalid value for 'expand_accounts': '{expand}', "
            "allowed values are 'full' and 'partial_avatars'"
        )
    found, ids = await groups.list_groups(
        req.roost.db, req.me_id, paging(req, 40, 80), _filter(req)
    )
    results = await render_groups(
        req.roost.statuses, req.me_id, found, partial_avatars=expand == "partial_avatars"
    )
    return page_response(req, results, ids[0] if ids else None, ids[-1] if ids else None)


@api.route("/api/v2/notifications/unread_count", scope="read:notifications", user=True)
async def unread_count(req: ApiRequest) -> Response:
    """How many groups have notifications newer than the notifications marker (at most
    `limit`: 100 by default, up to 1000)."""
    limit = req.params.int("limit", 100, lo=1, hi=1000)
    flt = _filter(req)
    marker = await last_read_id(req.roost.db, req.me_id, "notifications")
    count = await groups.count_unread_groups(req.roost.db, req.me_id, marker, flt, limit)
    return json_response({"count": count})


@api.route("/api/v2/notifications/{group_key}", scope="read:notifications", user=True,
           response=GroupedNotificationsResults)  # fmt: skip
async def show_group(req: ApiRequest) -> Response:
    """One notification group, whole."""
    group = await groups.access_group(req.roost.db, req.me_id, _group_key(req))
    results = await render_groups(req.roost.statuses, req.me_id, [group], paginated=False)
    if not results.notification_groups:
        raise NotFound()
    return json_response(results)


# Mastodon asks for `read:notifications`; its documentation (and Mastodon.py's) says write.
@api.route("/api/v2/notifications/{group_key}/accounts",
           scope=("read:notifications", "write:notifications"), user=True,
           response=list[Account])  # fmt: skip
async def group_accounts(req: ApiRequest) -> Response:
    """The accounts of a group's notifications, newest first (paged, 40 by default)."""
    rows = await groups.group_senders(req.roost.db, req.me_id, _group_key(req), paging(req, 40, 80))
    accounts = await req.roost.accounts.listed([r.from_account_id for r in rows])
    return page_response(req, accounts, rows[0].id if rows else None, rows[-1].id if rows else None)


@api.route("/api/v2/notifications/{group_key}/dismiss", "POST", scope="write:notifications",
           user=True)  # fmt: skip
async def dismiss_group(req: ApiRequest) -> Response:
    """Delete every notification of a group."""
    await do_dismiss_group(req.roost.db, req.me_id, _group_key(req))
    return json_response({})
