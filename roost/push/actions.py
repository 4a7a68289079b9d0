"""Writes for Web Push: subscribing (one subscription per access token, as Mastodon),
changing what a subscription wants, and removing subscriptions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from roost.db import Database, Transaction
from roost.db.prepared import any_of
from roost.errors import Invalid
from roost.ids import new_id
from roost.push.entities import ALERT_TYPES, POLICIES
from roost.push.sealing import seal
from roost.push.tables import push_subscriptions
from roost.push.webpush import check_keys
from roost.timeutil import utcnow

MAX_ENDPOINT = 2000
_DELETE_FOR_TOKEN = push_subscriptions.delete().where(
    push_subscriptions.c.token_id == sa.bindparam("token_id", type_=sa.BigInteger)
)


@dataclass(frozen=True)
class Wants:
    """What a subscription is pushed: the alert types it turned on, and whose."""

    alerts: dict[str, bool]
    policy: str


def check_wants(alerts: dict[str, Any], policy: str | None) -> Wants:
    """`data[alerts][...]` and `data[policy]` checked: 422 for a name Mastodon does not
    know or a value that is not a boolean. Alerts not named are off (as Mastodon)."""
    unknown = sorted(name for name in alerts if name not in ALERT_TYPES)
    if unknown:
        raise Invalid(f"Unknown alert {', '.join(unknown)} (known: {', '.join(ALERT_TYPES)})")
    for name, value in alerts.items():
        if not isinstance(value, bool):
            raise Invalid(f"data[alerts][{name}] must be true or false")
    chosen = policy or "all"
    if chosen not in POLICIES:
        raise Invalid(f"data[policy] must be one of {', '.join(POLICIES)}")
    return Wants(dict(alerts), chosen)


def check_endpoint(endpoint: str, *, allow_private_network: bool) -> str:
    """An https URL (http too when the private-network switch is on, for tests)."""
    text = endpoint.strip()
    if len(text) > MAX_ENDPOINT:
        raise Invalid(f"subscription[endpoint] is too long (maximum {MAX_ENDPOINT})")
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    schemes = ("https", "http") if allow_private_network else ("https",)
    if not port_ok or parts.scheme not in schemes or not parts.hostname:
        raise Invalid("subscription[endpoint] must be an https URL")
    return text


async def do_subscribe(
    db: Database,
    *,
    account_id: int,
    token_id: int,
    access_token: str,
    secret_key: str,
    endpoint: str,
    p256dh: str,
    auth: str,
    standard: bool,
    wants: Wants,
    allow_private_network: bool,
) -> int:
    """Subscribe the token (replacing its subscription, if any); returns the new id.
    Every input is checked before anything is written."""
    endpoint = check_endpoint(endpoint, allow_private_network=allow_private_network)
    try:
        p256dh, auth = check_keys(p256dh, auth)
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    subscription_id = new_id()
    row = {
        "id": subscription_id, "account_id": account_id, "token_id": token_id,
        "endpoint": endpoint, "key_p256dh": p256dh, "key_auth": auth, "standard": standard,
        "alerts": wants.alerts, "policy": wants.policy,
        "access_token": seal(secret_key, access_token), "created_at": utcnow(),
    }  # fmt: skip
    async with db.transaction() as tx:
        await tx.execute(_DELETE_FOR_TOKEN, [{"token_id": token_id}])
        await tx.execute(push_subscriptions.insert(), [row])
    return subscription_id


async def do_change_subscription(db: Database, *, token_id: int, wants: Wants) -> bool:
    """Replace what the token's subscription wants (Mastodon replaces `data` whole);
    False if the token has no subscription."""
    async with db.transaction() as tx:
        result = await tx.execute(
            push_subscriptions.update()
            .where(push_subscriptions.c.token_id == token_id)
            .values(alerts=wants.alerts, policy=wants.policy)
        )
    return bool(result.rowcount)


async def do_unsubscribe(db: Database, *, token_id: int) -> None:
    """Remove the token's subscription (nothing happens if it has none)."""
    async with db.transaction() as tx:
        await tx.execute(_DELETE_FOR_TOKEN, [{"token_id": token_id}])


_DROP_FOR_TOKENS = push_subscriptions.delete().where(any_of(push_subscriptions.c.token_id, "ids"))


async def drop_token_subscriptions(tx: Transaction, token_ids: list[int]) -> None:
    """Inside the transaction revoking these tokens: their subscriptions go with them."""
    if token_ids:
        await tx.execute(_DROP_FOR_TOKENS, [{"ids": token_ids}])


async def remove_subscription(db: Database, subscription_id: int) -> None:
    """The push service said the subscription is gone (404 or 410)."""
    async with db.transaction() as tx:
        await tx.execute(
            sa.delete(push_subscriptions).where(push_subscriptions.c.id == subscription_id)
        )
