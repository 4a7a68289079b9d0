"""The notification policy (`/api/v2/notifications/policy`, and the boolean v1 form
Mastodon still serves) and the requests of filtered senders
(`/api/v1/notifications/requests`: list, show, accept, dismiss, in bulk, `merged`).

Registered before notifications.py (modules are taken in name order), so `policy` and
`requests` are not read as notification ids."""

from __future__ import annotations

from starlette.responses import Response

from roost.api.http import Api, ApiRequest, page_response
from roost.api.mastodon.statuses import paging
from roost.errors import Invalid, NotFound
from roost.http.responses import json_response
from roost.notifications import request_queries as requests
from roost.notifications.actions import (
    do_accept_requests,
    do_dismiss_requests,
    do_update_policy,
)
from roost.notifications.entities import (
    MergedState,
    NotificationPolicy,
    NotificationPolicyV1,
    NotificationRequest,
)
from roost.notifications.policy import POLICY_FIELDS, POLICY_VALUES

api = Api()


def _bulk_ids(req: ApiRequest) -> list[int]:
    """The `id[]` of a bulk accept or dismiss. Mastodon.py 2 sends them as `id[][]` (it
    adds `[]` to a key it was given with one); Rails reads that as a list too."""
    return req.params.ids("id", most=MAX_BULK) + req.params.ids("id[]", most=MAX_BULK)


MAX_BULK = 100  # request ids one bulk accept or dismiss takes
# The v1 booleans and the v2 settings they stand for (Mastodon's V1 policy form).
V1_FIELDS = {
    "filter_not_following": "for_not_following",
    "filter_not_followers": "for_not_followers",
    "filter_new_accounts": "for_new_accounts",
    "filter_private_mentions": "for_private_mentions",
}


async def _policy(req: ApiRequest) -> NotificationPolicy:
    values, summary = await requests.access_policy(req.roost.db, req.me_id)
    return NotificationPolicy(**values, summary=summary)


async def _policy_v1(req: ApiRequest) -> NotificationPolicyV1:
    values, summary = await requests.access_policy(req.roost.db, req.me_id)
    flags = {v1: values[v2] != "accept" for v1, v2 in V1_FIELDS.items()}
    return NotificationPolicyV1(**flags, summary=summary)


@api.route("/api/v2/notifications/policy", scope="read:notifications", user=True,
           response=NotificationPolicy)  # fmt: skip
async def show_policy(req: ApiRequest) -> Response:
    """What happens to notifications from each kind of sender, and the pending requests."""
    return json_response(await _policy(req))


async def _update_policy(req: ApiRequest) -> Response:
    changes = {}
    for name in POLICY_FIELDS:
        value = req.params.str(name, max_len=10)
        if value is None:
            continue
        if value not in POLICY_VALUES:
            raise Invalid(
                f"Invalid value for '{name}': '{value}', allowed values are "
                "'accept', 'filter' and 'drop'"
            )
        changes[name] = value
    await do_update_policy(req.roost.db, req.me_id, changes)
    return json_response(await _policy(req))


# Mastodon routes the policy as a Rails resource: PUT and PATCH both update it.
api.route("/api/v2/notifications/policy", "PATCH", scope="write:notifications", user=True,
          response=NotificationPolicy)(_update_policy)  # fmt: skip
api.route("/api/v2/notifications/policy", "PUT", scope="write:notifications", user=True,
          response=NotificationPolicy)(_update_policy)  # fmt: skip


@api.route("/api/v1/notifications/policy", scope="read:notifications", user=True,
           response=NotificationPolicyV1)  # fmt: skip
async def show_policy_v1(req: ApiRequest) -> Response:
    """The policy as Mastodon 4.2's clients know it: `filter_*` booleans."""
    return json_response(await _policy_v1(req))


async def _update_policy_v1(req: ApiRequest) -> Response:
    changes = {}
    for v1, v2 in V1_FIELDS.items():
        flag = req.params.bool(v1)
        if flag is not None:
            changes[v2] = "filter" if flag else "accept"
    await do_update_policy(req.roost.db, req.me_id, changes)
    return json_response(await _policy_v1(req))


api.route("/api/v1/notifications/policy", "PUT", scope="write:notifications", user=True,
          response=NotificationPolicyV1)(_update_policy_v1)  # fmt: skip
api.route("/api/v1/notifications/policy", "PATCH", scope="write:notifications", user=True,
          response=NotificationPolicyV1)(_update_policy_v1)  # fmt: skip


@api.route("/api/v1/notifications/requests", scope="read:notifications", user=True,
           response=list[NotificationRequest])  # fmt: skip
async def list_requests(req: ApiRequest) -> Response:
    """The senders whose notifications are filtered, newest request first (paged)."""
    rows = await requests.list_requests(req.roost.db, req.me_id, paging(req, 40, 80))
    rendered = await requests.render_requests(req.roost.statuses, req.me_id, rows)
    return page_response(req, rendered, rows[0].id if rows else None, rows[-1].id if rows else None)


@api.route("/api/v1/notifications/requests/merged", scope="read:notifications", user=True,
           response=MergedState)  # fmt: skip
async def merged(req: ApiRequest) -> Response:
    """Have the notifications of the accepted requests all joined the list?"""
    return json_response(MergedState(merged=await requests.all_merged(req.roost.db, req.me_id)))


@api.route("/api/v1/notifications/requests/accept", "POST", scope="write:notifications",
           user=True)  # fmt: skip
async def accept_bulk(req: ApiRequest) -> Response:
    """Accept the requests `id[]` (ids not the viewer's are ignored)."""
    await do_accept_requests(req.roost.db, req.me_id, _bulk_ids(req))
    return json_response({})


@api.route("/api/v1/notifications/requests/dismiss", "POST", scope="write:notifications",
           user=True)  # fmt: skip
async def dismiss_bulk(req: ApiRequest) -> Response:
    """Dismiss the requests `id[]` (ids not the viewer's are ignored)."""
    await do_dismiss_requests(req.roost.db, req.me_id, _bulk_ids(req))
    return json_response({})


@api.route("/api/v1/notifications/requests/{id}", scope="read:notifications", user=True,
           response=NotificationRequest)  # fmt: skip
async def show_request(req: ApiRequest) -> Response:
    """One request."""
    row = await requests.access_request(req.roost.db, req.me_id, req.path_id())
    rendered = await requests.render_requests(req.roost.statuses, req.me_id, [row])
    if not rendered:
        raise NotFound()
    return json_response(rendered[0])


@api.route("/api/v1/notifications/requests/{id}/accept", "POST", scope="write:notifications",
           user=True)  # fmt: skip
async def accept(req: ApiRequest) -> Response:
    """Accept one request: its notifications join the list, later ones are let through."""
    row = await requests.access_request(req.roost.db, req.me_id, req.path_id())
    await do_accept_requests(req.roost.db, req.me_id, [int(row.id)])
    return json_response({})


@api.route("/api/v1/notifications/requests/{id}/dismiss", "POST", scope="write:notifications",
           user=True)  # fmt: skip
async def dismiss(req: ApiRequest) -> Response:
    """Dismiss one request: it and its notifications are deleted."""
    row = await requests.access_request(req.roost.db, req.me_id, req.path_id())
    await do_dismiss_requests(req.roost.db, req.me_id, [int(row.id)])
    return json_response({})
