"""`account_entity` is memoised on the row's content: it must never serve an old value."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from roost.accounts.queries import account_entity

BASE = "https://roost.example"


def _row(**changes: Any) -> SimpleNamespace:
    row = {
        "id": 7, "username": "ana", "display_name": "Ana", "note_html": "<p>hi</p>",
        "avatar": None, "header": None, "locked": False, "bot": False, "discoverable": True,
        "indexable": True, "hide_collections": False, "suspended_at": None,
        "created_at": datetime(2026, 1, 2, 3, 4, 5), "last_status_at": None,
        "fields": [{"name": "site", "value": "x", "value_html": "<a>x</a>"}],
        "statuses_count": 1, "followers_count": 2, "following_count": 3,
        "avatar_static": None, "header_static": None, "avatar_description": "",
        "header_description": "",
    }  # fmt: skip
    row.update(changes)
    return SimpleNamespace(**row)


def test_counts_and_profile_changes_show_at_once() -> None:
    first = account_entity(_row(), BASE)
    assert (first.display_name, first.followers_count) == ("Ana", 2)
    counted = account_entity(_row(followers_count=9, last_status_at=datetime(2026, 3, 1, 12)), BASE)
    assert (counted.followers_count, counted.last_status_at) == (9, "2026-03-01")
    assert counted.display_name == "Ana"
    renamed = account_entity(_row(display_name="Ana B", fields=[]), BASE)
    assert (renamed.display_name, renamed.fields, renamed.followers_count) == ("Ana B", [], 2)
    suspended = account_entity(_row(suspended_at=datetime(2026, 4, 1)), BASE)
    assert suspended.suspended is True
    assert first.followers_count == 2, "entities handed out earlier are not changed"
