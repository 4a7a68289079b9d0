"""What the recipient's notification policy does with a new notification: accept it,
filter it (kept, out of their lists until they accept the sender's request) or drop it,
as Mastodon's NotifyService decides (its DropCondition and FilterCondition).

Everything the decision needs about the recipient, the sender and the status is read in
one query, together with the block, mute and duplicate checks `notify()` already made;
only a stranger's private mention, under a policy that holds those back, costs one more
(does it answer a private mention of the recipient's, up the thread?).
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from roost.accounts.tables import accounts, users
from roost.db import Transaction
from roost.graph.queries import mute_active
from roost.graph.tables import blocks, follows, mutes
from roost.notifications.tables import (
    POLICY_DEFAULTS,
    POLICY_FIELDS,
    POLICY_VALUES,
    notification_permissions,
    notification_policies,
    notifications,
)
from roost.statuses.tables import conversation_mutes, mentions, statuses

__all__ = [
    "POLICY_DEFAULTS", "POLICY_FIELDS", "POLICY_VALUES", "conditions", "silences", "verdict",
]  # fmt: skip

NEW_ACCOUNT_THRESHOLD = timedelta(days=30)  # Mastodon's BaseCondition thresholds
NEW_FOLLOWER_THRESHOLD = timedelta(days=3)
# Types a policy applies to (Mastodon's Notification::PROPERTIES `filterable`): the
# others (a subscribed account's post, a poll's end, an edit) were asked for.
FILTERABLE_TYPES = frozenset(
    ("mention", "reblog", "follow", "follow_request", "favourite", "quote")
)
THREAD_DEPTH = 100  # how far up a thread a private mention of the sender is looked for


def silences(recipient: Any, sender: Any, now: Any = None) -> sa.ColumnElement[bool]:
    """SQL condition: `recipient` blocks `sender`, or mutes them with notifications (ids,
    columns or bind parameters; `now` as for `mute_active`)."""
    return sa.or_(
        sa.exists().where(blocks.c.account_id == recipient, blocks.c.target_account_id == sender),
        sa.exists().where(
            mutes.c.account_id == recipient,
            mutes.c.target_account_id == sender,
            mutes.c.hide_notifications.is_(True),
            mute_active(now),
        ),
    )


def _bind(name: str, type_: Any = sa.BigInteger) -> sa.BindParameter[Any]:
    return sa.bindparam(name, type_=type_)


@functools.cache
def conditions(dedupe: bool, with_status: bool) -> sa.Select[Any]:
    """One row about `recipient` and `sender` (and `status`): the recipient's policy (None
    where they kept the default), whether they follow the sender, since when the sender
    follows them, the sender's age and staff role, whether the recipient accepted them
    before; with `dedupe`, whether the recipient blocks or mutes them (as of `now`) or
    muted the thread, or already has this notification; with `with_status`, the status's
    visibility and parent."""
    recipient, sender, now = _bind("recipient"), _bind("sender"), _bind("now", sa.DateTime)
    status = _bind("status")
    p = notification_policies
    author = accounts.alias("sender")
    columns: list[Any] = [p.c[name] for name in POLICY_FIELDS]
    columns += [
        sa.exists()
        .where(follows.c.account_id == recipient, follows.c.target_account_id == sender)
        .label("following"),
        sa.select(follows.c.created_at)
        .where(follows.c.account_id == sender, follows.c.target_account_id == recipient)
        .scalar_subquery()
        .label("follower_since"),
        sa.select(author.c.created_at)
        .where(author.c.id == sender)
        .scalar_subquery()
        .label("sender_created_at"),
        sa.exists()
        .where(author.c.id == sender, author.c.silenced_at.isnot(None))
        .label("sender_limited"),
        sa.exists()
        .where(users.c.account_id == sender, users.c.role.is_not(None))  # any staff role
        .label("sender_staff"),
        sa.exists()
        .where(
            notification_permissions.c.account_id == recipient,
            notification_permissions.c.from_account_id == sender,
        )
        .label("permitted"),
    ]
    if dedupe:
        silenced = [silences(recipient, sender, now)]
        n = notifications
        same = [
            n.c.account_id == recipient,
            n.c.type == _bind("type", sa.String),
            n.c.from_account_id == sender,
        ]
        if with_status:
            silenced.append(
                sa.exists().where(
                    statuses.c.id == status,
                    conversation_mutes.c.account_id == recipient,
                    conversation_mutes.c.conversation_id == statuses.c.conversation_id,
                )
            )
            same.append(n.c.status_id == status)
        else:
            same.append(n.c.status_id.is_(None))
        columns += [
            sa.or_(*silenced).label("silenced"),
            sa.exists().where(*same).label("duplicate"),
        ]
    if with_status:
        columns += [
            sa.select(statuses.c.visibility)
            .where(statuses.c.id == status)
            .scalar_subquery()
            .label("visibility"),
            sa.select(statuses.c.in_reply_to_id)
            .where(statuses.c.id == status)
            .scalar_subquery()
            .label("in_reply_to_id"),
        ]
    return (
        sa.select(*columns)
        .select_from(accounts.outerjoin(p, p.c.account_id == accounts.c.id))
        .where(accounts.c.id == recipient)
    )


@functools.cache
def _answers_recipient() -> sa.Select[Any]:
    """Is `start` or a post up its thread (at most THREAD_DEPTH) a private mention of
    `sender` by `recipient` (Mastodon's `response_to_recipient?`)?"""
    s = statuses
    first = sa.select(s.c.id, s.c.in_reply_to_id, s.c.account_id, s.c.visibility,
                      sa.literal(0).label("depth")).where(s.c.id == _bind("start"))  # fmt: skip
    ancestors = first.cte("ancestors", recursive=True)
    up = statuses.alias("up")
    ancestors = ancestors.union_all(
        sa.select(up.c.id, up.c.in_reply_to_id, up.c.account_id, up.c.visibility,
                  ancestors.c.depth + 1)
        .where(up.c.id == ancestors.c.in_reply_to_id, ancestors.c.depth < THREAD_DEPTH)
    )  # fmt: skip
    return (
        sa.select(sa.literal(1))
        .select_from(ancestors)
        .where(
            ancestors.c.account_id == _bind("recipient"),
            ancestors.c.visibility == "direct",
            sa.exists().where(
                mentions.c.status_id == ancestors.c.id,
                mentions.c.account_id == _bind("sender"),
            ),
        )
        .limit(1)
    )


async def verdict(
    tx: Transaction, row: Any, *, recipient: int, sender: int, type: str, now: datetime
) -> str:
    """What the policy does with a notification of `type` from `sender` to `recipient`
    (`row`: their `conditions` row): "accept", "filter" or "drop"; a drop wins."""
    if type not in FILTERABLE_TYPES or row.permitted:
        return "accept"
    message = type == "mention"
    if message and row.sender_staff:  # moderators reach everyone
        return "accept"
    policy = {name: getattr(row, name) or POLICY_DEFAULTS[name] for name in POLICY_FIELDS}
    following = bool(row.following)
    since = row.follower_since
    hits = {
        # Limited (silenced) by a moderator, and not followed (Mastodon's FilterCondition).
        "for_limited_accounts": bool(row.sender_limited) and not following,
        "for_not_following": not following,
        "for_not_followers": since is None or since > now - NEW_FOLLOWER_THRESHOLD,
        "for_new_accounts": not following
        and row.sender_created_at is not None
        and row.sender_created_at > now - NEW_ACCOUNT_THRESHOLD,
    }
    if (
        message
        and not following
        and policy["for_private_mentions"] != "accept"
        and getattr(row, "visibility", None) == "direct"
    ):
        answers = row.in_reply_to_id is not None and await tx.fetch_one(
            _answers_recipient(),
            {"start": row.in_reply_to_id, "recipient": recipient, "sender": sender},
        )
        hits["for_private_mentions"] = not answers
    found = {policy[name] for name, hit in hits.items() if hit}
    return "drop" if "drop" in found else "filter" if "filter" in found else "accept"
