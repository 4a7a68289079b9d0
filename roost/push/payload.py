"""A notification as the JSON a push carries (Mastodon's Web::NotificationSerializer)."""

from __future__ import annotations

import msgspec

from roost.push.entities import PushNotification

# Mastodon's `notification_mailer.<type>.subject` (English), with Roost's spelling of
# "favourited". %s is the sender's display name (or username).
TITLES = {
    "mention": "You were mentioned by %s",
    "status": "%s just posted",
    "reblog": "%s boosted your post",
    "follow": "%s is now following you",
    "follow_request": "Pending follower: %s",
    "favourite": "%s favourited your post",
    "poll": "A poll by %s has ended",
    "update": "%s edited a post",
    "quote": "%s quoted your post",
    "quoted_update": "%s edited a post you have quoted",
    "admin.sign_up": "%s signed up",
    "admin.report": "%s submitted a report",
}
BODY_LENGTH = 140  # Mastodon's truncate(length: 140), the "..." included


def truncate(text: str, length: int = BODY_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 3] + "..."


def title_for(type: str, display_name: str, username: str) -> str:
    return TITLES.get(type, "%s").replace("%s", display_name or username)


def body_for(spoiler_text: str | None, status_text: str | None, note: str) -> str:
    """The post's content warning if it has one, else its text; the sender's bio when
    the notification is about no post (a follow). Each is the text as typed, which is
    plain text already (Mastodon strips tags from it, which loses a typed "<3")."""
    return truncate(spoiler_text or status_text or note)


def render_push(
    *,
    access_token: str,
    locale: str,
    notification_id: int,
    type: str,
    icon: str,
    display_name: str,
    username: str,
    spoiler_text: str | None,
    status_text: str | None,
    note: str,
) -> bytes:
    """The JSON that is encrypted into a push."""
    return msgspec.json.encode(
        PushNotification(
            access_token=access_token,
            preferred_locale=locale,
            notification_id=notification_id,
            notification_type=type,
            icon=icon,
            title=title_for(type, display_name, username),
            body=body_for(spoiler_text, status_text, note),
        )
    )
