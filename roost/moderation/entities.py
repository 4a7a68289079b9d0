"""Mastodon's Rule, Report, Admin::Account and Admin::Report entities."""

from __future__ import annotations

import msgspec

from roost.accounts.entities import Account, Role
from roost.statuses.entities import Status

CATEGORIES = ("spam", "legal", "violation", "other")


class Rule(msgspec.Struct, kw_only=True):
    id: str
    text: str
    hint: str
    translations: dict[str, dict[str, str]] = {}


class Report(msgspec.Struct, kw_only=True):
    """What the reporter sees of their report (POST /api/v1/reports)."""

    id: str
    action_taken: bool
    action_taken_at: str | None
    category: str
    comment: str
    forwarded: bool
    created_at: str
    status_ids: list[str] | None
    rule_ids: list[str] | None
    target_account: Account


class AdminAccount(msgspec.Struct, kw_only=True):
    """An account as staff see it. Roost keeps no sign-in addresses yet (`ip` null,
    `ips` empty), confirms every email at sign-up, and has no invites."""

    id: str
    username: str
    domain: str | None
    created_at: str
    email: str
    ip: str | None
    ips: list[dict[str, str]]
    locale: str
    invite_request: str | None
    role: Role
    confirmed: bool
    approved: bool
    disabled: bool
    sensitized: bool
    silenced: bool
    suspended: bool
    account: Account
    created_by_application_id: str | None
    invited_by_account_id: str | None


class AdminReport(msgspec.Struct, kw_only=True):
    id: str
    action_taken: bool
    action_taken_at: str | None
    category: str
    comment: str
    forwarded: bool
    created_at: str
    updated_at: str
    account: AdminAccount
    target_account: AdminAccount
    assigned_account: AdminAccount | None
    action_taken_by_account: AdminAccount | None
    statuses: list[Status]
    rules: list[Rule]


class AccountWarning(msgspec.Struct, kw_only=True):
    """What a moderator did to an account and why, as the account is told (the
    `moderation_warning` notification). Roost has no appeals yet: `appeal` is null."""

    id: str
    action: str
    text: str
    status_ids: list[str] | None
    target_account: Account
    appeal: None = None
    created_at: str
