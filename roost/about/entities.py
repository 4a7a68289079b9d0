"""The API shapes of the instance's own pages (Mastodon 4.5 entities) and NodeInfo 2.0."""

from __future__ import annotations

import msgspec


class ExtendedDescription(msgspec.Struct, kw_only=True):
    updated_at: str | None  # None until an admin writes one
    content: str  # HTML


class PrivacyPolicy(msgspec.Struct, kw_only=True):
    updated_at: str
    content: str  # HTML


class TermsOfService(msgspec.Struct, kw_only=True):
    effective_date: str  # YYYY-MM-DD
    effective: bool
    content: str  # HTML
    succeeded_by: str | None  # the date the next version takes effect


class WeeklyActivity(msgspec.Struct, kw_only=True):
    """One week of `GET /api/v1/instance/activity`: every value a string, as Mastodon."""

    week: str  # the week's first second, as a Unix timestamp
    statuses: str
    logins: str
    registrations: str


class NodeInfoLink(msgspec.Struct, kw_only=True):
    rel: str
    href: str


class NodeInfoLinks(msgspec.Struct, kw_only=True):
    links: list[NodeInfoLink]


class NodeInfoUsers(msgspec.Struct, kw_only=True, rename="camel"):
    total: int
    active_month: int
    active_halfyear: int


class NodeInfoUsage(msgspec.Struct, kw_only=True, rename="camel"):
    users: NodeInfoUsers
    local_posts: int


class NodeInfoSoftware(msgspec.Struct, kw_only=True):
    name: str
    version: str


class NodeInfoServices(msgspec.Struct, kw_only=True):
    outbound: list[str]
    inbound: list[str]


class NodeInfo(msgspec.Struct, kw_only=True, rename="camel"):
    """NodeInfo 2.0 (nodeinfo.diaspora.software/schema/2.0)."""

    version: str
    software: NodeInfoSoftware
    protocols: list[str]
    services: NodeInfoServices
    usage: NodeInfoUsage
    open_registrations: bool
    metadata: dict[str, str]
