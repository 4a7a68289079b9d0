"""Mastodon API shapes for notifications."""

from __future__ import annotations

import msgspec

from roost.accounts.entities import Account
from roost.statuses.entities import Status


class Notification(msgspec.Struct, kw_only=True):
    id: str
    type: str
    group_key: str
    created_at: str
    account: Account
    status: Status | None = None


class NotificationGroup(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One group of `/api/v2/notifications`; the `page_*` fields only when paging."""

    group_key: str
    notifications_count: int
    type: str
    # An integer in Mastodon's JSON, unlike every other id (its documentation's example).
    most_recent_notification_id: int
    sample_account_ids: list[str]
    page_min_id: str | None = None
    page_max_id: str | None = None
    latest_page_notification_at: str | None = None
    status_id: str | None = None


class PartialAccountWithAvatar(msgspec.Struct, kw_only=True):
    """What `expand_accounts=partial_avatars` gives of the accounts not shown in full."""

    id: str
    acct: str
    locked: bool
    bot: bool
    url: str
    avatar: str
    avatar_static: str


class GroupedNotificationsResults(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Groups with the accounts and statuses they refer to, each once."""

    accounts: list[Account]
    statuses: list[Status]
    notification_groups: list[NotificationGroup]
    partial_accounts: list[PartialAccountWithAvatar] | None = None
