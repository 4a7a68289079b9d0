"""Mastodon's ScheduledStatus entity: a post's parameters, kept until its time."""

from __future__ import annotations

import msgspec

from roost.media.entities import MediaAttachment


class ScheduledPoll(msgspec.Struct, kw_only=True):
    options: list[str]
    expires_in: int  # seconds, counted from publication
    multiple: bool
    hide_totals: bool


class ScheduledStatusParams(msgspec.Struct, kw_only=True):
    """What the post was sent with, stored as shown (the `params` column) and read back to
    publish it."""

    text: str
    poll: ScheduledPoll | None = None
    media_ids: list[str] | None = None
    sensitive: bool | None = None
    spoiler_text: str | None = None
    visibility: str
    in_reply_to_id: int | None = None
    language: str | None = None
    application_id: int | None = None
    scheduled_at: str | None = None  # always null: Mastodon's "scheduled only once"
    idempotency: str | None = None
    with_rate_limit: bool = False


class ScheduledStatus(msgspec.Struct, kw_only=True):
    id: str
    scheduled_at: str
    params: ScheduledStatusParams
    media_attachments: list[MediaAttachment]
