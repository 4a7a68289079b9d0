"""Mastodon API shapes for notifications."""

from __future__ import annotations

import msgspec

from roost.accounts.entities import Account
from roost.moderation.entities import AccountWarning
from roost.statuses.entities import Status


class Notification(msgspec.Struct, kw_only=True):
    id: str
    type: str
    group_key: str
    created_at: str
    account: Account
    status: Status | None = None
    # Only on a `moderation_warning` (roost.moderation.warnings).
    moderation_warning: AccountWarning | msgspec.UnsetType = msgspec.UNSET
    # Only on one the notification policy filtered (`include_filtered`), as Mastodon has it.
    filtered: bool | msgspec.UnsetType = msgspec.UNSET


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
    moderation_warning: AccountWarning | None = None  # only on a `moderation_warning`


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


class PolicySummary(msgspec.Struct, kw_only=True):
    pending_requests_count: int
    pending_notifications_count: int


class NotificationPolicy(msgspec.Struct, kw_only=True):
    """`/api/v2/notifications/policy`: accept, filter or drop for each kind of sender."""

    for_not_following: str
    for_not_followers: str
    for_new_accounts: str
    for_private_mentions: str
    for_limited_accounts: str
    summary: PolicySummary


class NotificationPolicyV1(msgspec.Struct, kw_only=True):
    """`/api/v1/notifications/policy` (deprecated in Mastodon 4.3, still served): each
    `filter_*` true unless its `for_*` accepts."""

    filter_not_following: bool
    filter_not_followers: bool
    filter_new_accounts: bool
    filter_private_mentions: bool
    summary: PolicySummary


class NotificationRequest(msgspec.Struct, kw_only=True):
    """The filtered notifications from one account. `notifications_count` is a string in
    Mastodon's JSON (its serializer says so)."""

    id: str
    created_at: str
    updated_at: str
    notifications_count: str
    account: Account
    last_status: Status | None = None


class MergedState(msgspec.Struct, kw_only=True):
    merged: bool
