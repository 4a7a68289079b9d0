"""Mastodon's Conversation entity."""

from __future__ import annotations

import msgspec

from roost.accounts.entities import Account
from roost.statuses.entities import Status


class Conversation(msgspec.Struct, kw_only=True):
    id: str
    unread: bool
    accounts: list[Account]  # the other participants
    last_status: Status | None
