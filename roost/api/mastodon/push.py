"""/api/v1/push/subscription: the Web Push subscription of the calling access token."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from roost.api.http import Api, ApiRequest
from roost.errors import NotFound
from roost.http.params import Params
from roost.http.responses import json_response
from roost.push.actions import (
    Wants,
    check_wants,
    do_change_subscription,
    do_subscribe,
    do_unsubscribe,
)
from roost.push.entities import WebPushSubscription
from roost.push.queries import access_subscription

api = Api()

_ALERT_PREFIX = "data[alerts]["
_DATA_PARAMS = {
    "data[alerts][…]": "true or false for each type to push: mention, status, reblog, "
    "follow, follow_request, favourite, poll, update, quote, quoted_update, admin.sign_up, "
    "admin.report, severed_relationships, moderation_warning (those not given are off)",
    "data[policy]": "Whose notifications to push: all (default), followed, follower, none",
}


def _wants(params: Params) -> Wants:
    """`data[alerts][...]` and `data[policy]`. Mastodon.py sends the policy as `policy`."""
    alerts: dict[str, Any] = {}
    # Params offers no listing of names; the alert names are the keys themselves.
    for key in list(params._data):
        if key.startswith(_ALERT_PREFIX) and key.endswith("]"):
            alerts[key[len(_ALERT_PREFIX) : -1]] = params.bool(key)
    policy = params.str("data[policy]") or params.str("policy")
    return check_wants(alerts, policy)


def _access_token(req: ApiRequest) -> str:
    """The bearer token of the request, as `roost.http.auth.authenticate` found it."""
    header = req.request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return req.request.query_params.get("access_token", "")


async def _current(req: ApiRequest) -> Response:
    found = await access_subscription(
        req.roost.db, req.me.token_id, req.roost.settings.vapid_public_key
    )
    if found is None:
        raise NotFound("Record not found")
    return json_response(found)


@api.route(
    "/api/v1/push/subscription",
    "POST",
    scope="push",
    user=True,
    response=WebPushSubscription,
    params={
        "subscription[endpoint]": "Where pushes are posted (https)",
        "subscription[keys][p256dh]": "The client's P-256 public key (base64url, 65 bytes)",
        "subscription[keys][auth]": "The client's auth secret (base64url, 16 bytes)",
        "subscription[standard]": "true: RFC 8291 aes128gcm; false (default): legacy aesgcm",
        **_DATA_PARAMS,
    },
)
async def subscribe(req: ApiRequest) -> Response:
    """Subscribe this access token to Web Push (replacing its subscription, if any)."""
    p = req.params
    settings = req.roost.settings
    await do_subscribe(
        req.roost.db,
        account_id=req.me_id,
        token_id=req.me.token_id,
        access_token=_access_token(req),
        secret_key=settings.secret_key,
        endpoint=p.required_str("subscription[endpoint]"),
        p256dh=p.required_str("subscription[keys][p256dh]", max_len=200),
        auth=p.required_str("subscription[keys][auth]", max_len=100),
        standard=bool(p.bool("subscription[standard]", False)),
        wants=_wants(p),
        allow_private_network=settings.allow_private_network,
    )
    return await _current(req)


@api.route("/api/v1/push/subscription", scope="push", user=True, response=WebPushSubscription)
async def show_subscription(req: ApiRequest) -> Response:
    """This access token's Web Push subscription (404 if it has none)."""
    return await _current(req)


@api.route(
    "/api/v1/push/subscription",
    "PUT",
    scope="push",
    user=True,
    response=WebPushSubscription,
    params=_DATA_PARAMS,
)
async def change_subscription(req: ApiRequest) -> Response:
    """Change what is pushed (the alerts and policy given replace the old ones)."""
    changed = await do_change_subscription(
        req.roost.db, token_id=req.me.token_id, wants=_wants(req.params)
    )
    if not changed:
        raise NotFound("Record not found")
    return await _current(req)


@api.route("/api/v1/push/subscription", "DELETE", scope="push", user=True)
async def unsubscribe(req: ApiRequest) -> Response:
    """Remove this access token's Web Push subscription."""
    await do_unsubscribe(req.roost.db, token_id=req.me.token_id)
    return json_response({})
