"""Reading Web Push subscriptions (a token sees only its own)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from roost.db import Database
from roost.push.entities import ALERT_TYPES, WebPushSubscription
from roost.push.tables import push_subscriptions

_BY_TOKEN = sa.select(push_subscriptions).where(
    push_subscriptions.c.token_id == sa.bindparam("token_id", type_=sa.BigInteger)
)


def subscription_entity(row: Any, server_key: str) -> WebPushSubscription:
    """A row as Mastodon's WebPushSubscription; every alert type is listed, those never
    turned on as false (clients such as Tusky read each one)."""
    stored: dict[str, bool] = row.alerts or {}
    return WebPushSubscription(
        id=str(row.id),
        endpoint=row.endpoint,
        standard=bool(row.standard),
        alerts={name: bool(stored.get(name, False)) for name in ALERT_TYPES},
        server_key=server_key,
        policy=row.policy,
    )


async def access_subscription(
    db: Database, token_id: int, server_key: str
) -> WebPushSubscription | None:
    """The subscription of this access token, if it has one."""
    row = await db.fetch_one(_BY_TOKEN, {"token_id": token_id})
    return subscription_entity(row, server_key) if row is not None else None
