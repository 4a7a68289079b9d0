"""The job that sends one notification to one Web Push subscription.

One job per push: a push service that hangs costs its own job the outbound client's
timeout, never a request nor another subscription's push. Network errors, timeouts, 5xx,
408 and 429 fail the job, which the queue retries with backoff; 404 and 410 (the
subscription expired or was unsubscribed) remove the subscription.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from roost.accounts.queries import account_entity
from roost.accounts.tables import accounts, users
from roost.graph.tables import follows
from roost.jobs.context import JobContext
from roost.jobs.registry import job
from roost.notifications.tables import notifications
from roost.outbound import BadURL, Refused, TooLarge
from roost.push.actions import remove_subscription
from roost.push.payload import render_push
from roost.push.sealing import unseal
from roost.push.tables import push_subscriptions
from roost.push.webpush import encrypt, push_headers
from roost.statuses.tables import statuses

log = logging.getLogger("roost.push")
MAX_RESPONSE = 64 * 1024  # push services answer with a few bytes
# Push services answer in well under a second; a push that takes longer than this is
# retried later rather than holding the worker (and the jobs claimed with it) any longer.
TIMEOUT = 10.0
GONE = (404, 410)
RETRY = (408, 429)


class PushFailed(Exception):
    """The push service answered with a status worth retrying."""


_SUBSCRIPTION = sa.select(push_subscriptions).where(
    push_subscriptions.c.id == sa.bindparam("id", type_=sa.BigInteger)
)
_NOTIFICATION = (
    sa.select(
        notifications.c.account_id,
        notifications.c.from_account_id,
        notifications.c.type,
        statuses.c.spoiler_text,
        statuses.c.text,
        users.c.locale,
    )
    .select_from(
        notifications.outerjoin(statuses, statuses.c.id == notifications.c.status_id).outerjoin(
            users, users.c.account_id == notifications.c.account_id
        )
    )
    .where(notifications.c.id == sa.bindparam("id", type_=sa.BigInteger))
)
_ACCOUNT = sa.select(accounts).where(accounts.c.id == sa.bindparam("id", type_=sa.BigInteger))
_FOLLOWS = sa.select(follows.c.id).where(
    follows.c.account_id == sa.bindparam("follower", type_=sa.BigInteger),
    follows.c.target_account_id == sa.bindparam("followed", type_=sa.BigInteger),
)


async def _policy_allows(ctx: JobContext, policy: str, recipient: int, sender: int) -> bool:
    """Mastodon's Web::PushSubscription#policy_allows_notification?"""
    if policy == "all":
        return True
    if policy == "followed":  # people the recipient follows
        pair = {"follower": recipient, "followed": sender}
    elif policy == "follower":  # people who follow the recipient
        pair = {"follower": sender, "followed": recipient}
    else:
        return False
    return await ctx.db.fetch_one(_FOLLOWS, pair) is not None


@job("web_push")
async def web_push(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Encrypt the notification for the subscription and post it to its endpoint, if the
    subscription (as it is now) still wants it and both still exist."""
    subscription_id = int(payload["subscription_id"])
    notification_id = int(payload["notification_id"])
    sub = await ctx.db.fetch_one(_SUBSCRIPTION, {"id": subscription_id})
    note = await ctx.db.fetch_one(_NOTIFICATION, {"id": notification_id})
    if sub is None or note is None or note.account_id != sub.account_id:
        return
    if (sub.alerts or {}).get(note.type) is not True:
        return
    if not await _policy_allows(ctx, sub.policy, note.account_id, note.from_account_id):
        return
    sender = await ctx.db.fetch_one(_ACCOUNT, {"id": note.from_account_id})
    if sender is None:
        return
    settings = ctx.settings
    message = render_push(
        access_token=unseal(settings.secret_key, sub.access_token),
        locale=note.locale or "en",
        notification_id=notification_id,
        type=note.type,
        icon=account_entity(sender, settings.base_url).avatar_static,
        display_name=sender.display_name,
        username=sender.username,
        spoiler_text=note.spoiler_text,
        status_text=note.text,
        note=sender.note,
    )
    standard = bool(sub.standard)
    body, encoding = encrypt(message, p256dh=sub.key_p256dh, auth=sub.key_auth, standard=standard)
    headers = push_headers(
        sub.endpoint,
        encoding=encoding,
        vapid_private_key=settings.vapid_private_key,
        subject=f"mailto:{settings.contact_email}" if settings.contact_email else settings.base_url,
        standard=standard,
    )
    try:
        response = await ctx.outbound.post(
            sub.endpoint, body, headers=headers, max_bytes=MAX_RESPONSE, time_limit=TIMEOUT
        )
    except (Refused, BadURL, TooLarge) as exc:  # trying again would not change the answer
        log.warning("push %s to subscription %s not sent: %s", notification_id, sub.id, exc)
        return
    status = response.status
    if 200 <= status < 300:
        return
    if status in GONE:
        await remove_subscription(ctx.db, sub.id)
        log.info("push subscription %s removed: its endpoint answered %d", sub.id, status)
        return
    if status in RETRY or status >= 500:
        raise PushFailed(f"push endpoint answered {status}")
    # Any other answer (400, 403, 413...) would be the same next time: not retried.
    log.warning("push %s to subscription %s refused with %d", notification_id, sub.id, status)
