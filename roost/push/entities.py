"""The Mastodon API shape of a Web Push subscription, and the names it takes."""

from __future__ import annotations

import msgspec

# Mastodon's Notification::TYPES, which `data[alerts][...]` may name (4.5).
ALERT_TYPES = (
    "mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
    "quote", "quoted_update", "admin.sign_up", "admin.report", "severed_relationships",
    "moderation_warning",
)  # fmt: skip
# Whose notifications are pushed: everyone's, those the recipient follows, those who
# follow the recipient, no one's.
POLICIES = ("all", "followed", "follower", "none")


class WebPushSubscription(msgspec.Struct, kw_only=True):
    id: str
    endpoint: str
    standard: bool
    alerts: dict[str, bool]
    server_key: str
    policy: str


class PushNotification(msgspec.Struct, kw_only=True):
    """What a push carries, encrypted (Mastodon's Web::NotificationSerializer)."""

    access_token: str
    preferred_locale: str
    notification_id: int  # a number, as Mastodon's serializer gives it (object.id)
    notification_type: str
    icon: str
    title: str
    body: str
