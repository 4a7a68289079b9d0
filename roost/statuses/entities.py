"""Mastodon API shapes for statuses (Status, Mention, Tag, Context, Application)."""

from __future__ import annotations

from typing import Any

import msgspec

from roost.accounts.entities import Account, CustomEmoji
from roost.cards.entities import PreviewCard
from roost.media.entities import MediaAttachment
from roost.polls.entities import Poll

VISIBILITIES = ("public", "unlisted", "private", "direct")  # a Status's `visibility`


class StatusMention(msgspec.Struct, kw_only=True):
    id: str
    username: str
    url: str
    acct: str


class StatusTag(msgspec.Struct, kw_only=True):
    name: str
    url: str


class StatusApplication(msgspec.Struct, kw_only=True):
    name: str
    website: str | None


class Quote(msgspec.Struct, kw_only=True):
    """Mastodon's Quote (`quoted_status`, on the status a client asked for) or ShallowQuote
    (`quoted_status_id`, on a quoted status itself): the other field is left out."""

    state: str  # accepted, revoked, deleted, unauthorized (Mastodon's QuoteStateEnum)
    quoted_status: Status | msgspec.UnsetType | None = msgspec.UNSET
    quoted_status_id: str | msgspec.UnsetType | None = msgspec.UNSET


class QuoteApproval(msgspec.Struct, kw_only=True):
    """Who may quote a status, and whether the viewer may (Mastodon's QuoteApproval)."""

    automatic: list[str]
    manual: list[str]
    current_user: str  # automatic, denied, unknown


class Status(msgspec.Struct, kw_only=True):
    id: str
    uri: str
    url: str | None
    created_at: str
    edited_at: str | None
    account: Account
    content: str
    visibility: str
    sensitive: bool
    spoiler_text: str
    media_attachments: list[MediaAttachment]
    application: StatusApplication | None
    mentions: list[StatusMention]
    tags: list[StatusTag]
    emojis: list[CustomEmoji]
    reblogs_count: int
    favourites_count: int
    replies_count: int
    quotes_count: int = 0
    in_reply_to_id: str | None
    in_reply_to_account_id: str | None
    reblog: Status | None
    poll: Poll | None = None
    quote: Quote | None = None
    quote_approval: QuoteApproval | None = None
    card: PreviewCard | None = None
    language: str | None
    text: str | None = None
    favourited: bool | None = None
    reblogged: bool | None = None
    muted: bool | None = None
    bookmarked: bool | None = None
    pinned: bool | None = None
    filtered: list[dict[str, Any]] | None = None


class Context(msgspec.Struct, kw_only=True):
    ancestors: list[Status]
    descendants: list[Status]


class StatusSource(msgspec.Struct, kw_only=True):
    id: str
    text: str
    spoiler_text: str


class StatusEditPollOption(msgspec.Struct, kw_only=True):
    title: str


class StatusEditPoll(msgspec.Struct, kw_only=True):
    options: list[StatusEditPollOption]


class StatusEdit(msgspec.Struct, kw_only=True):
    """One version of an edited status (GET /api/v1/statuses/:id/history)."""

    content: str
    spoiler_text: str
    sensitive: bool
    created_at: str
    account: Account
    poll: StatusEditPoll | None
    media_attachments: list[MediaAttachment]
    emojis: list[CustomEmoji]
