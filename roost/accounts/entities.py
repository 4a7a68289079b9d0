"""Mastodon API shapes for accounts (Account, CredentialAccount, Field, CustomEmoji)."""

from __future__ import annotations

import msgspec


class CustomEmoji(msgspec.Struct, kw_only=True):
    shortcode: str
    url: str
    static_url: str
    visible_in_picker: bool
    category: str | None = None


class Field(msgspec.Struct, kw_only=True):
    name: str
    value: str
    verified_at: str | None = None


class Account(msgspec.Struct, kw_only=True):
    id: str
    username: str
    acct: str
    url: str
    uri: str
    display_name: str
    note: str
    avatar: str
    avatar_static: str
    header: str
    header_static: str
    locked: bool
    fields: list[Field]
    emojis: list[CustomEmoji]
    bot: bool
    group: bool
    discoverable: bool | None
    indexable: bool
    hide_collections: bool | None
    noindex: bool | None
    created_at: str
    last_status_at: str | None
    statuses_count: int
    followers_count: int
    following_count: int
    roles: list[AccountRole] = []
    memorial: bool | None = None
    suspended: bool | None = None
    limited: bool | None = None
    moved: Account | None = None
    avatar_description: str = ""
    header_description: str = ""


class AccountRole(msgspec.Struct, kw_only=True):
    id: str
    name: str
    color: str


class Source(msgspec.Struct, kw_only=True):
    note: str
    fields: list[Field]
    privacy: str
    sensitive: bool
    language: str | None
    follow_requests_count: int
    hide_collections: bool
    discoverable: bool
    indexable: bool
    attribution_domains: list[str] = []


class Role(msgspec.Struct, kw_only=True):
    id: str
    name: str
    color: str
    permissions: str
    highlighted: bool


class CredentialAccount(Account, kw_only=True):
    source: Source
    role: Role | None = None


class Preferences(msgspec.Struct, kw_only=True):
    """An account's posting and reading defaults (`/api/v1/preferences`)."""

    posting_visibility: str = msgspec.field(name="posting:default:visibility")
    posting_sensitive: bool = msgspec.field(name="posting:default:sensitive")
    posting_language: str | None = msgspec.field(name="posting:default:language")
    expand_media: str = msgspec.field(name="reading:expand:media")
    expand_spoilers: bool = msgspec.field(name="reading:expand:spoilers")
