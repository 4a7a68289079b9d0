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
