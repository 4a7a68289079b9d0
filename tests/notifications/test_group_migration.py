"""Migration 0015 gives the notifications already there the group keys they would have been
given when they were made."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from roost.config import normalise_database_url
from roost.db.migrate import upgrade


async def test_existing_notifications_get_their_group_keys(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = normalise_database_url(f"sqlite:///{path}")
    await upgrade(url, "0014")
    start = datetime(2026, 11, 5, 13, 15)  # naive UTC, as Roost stores it
    hour = int(start.replace(tzinfo=UTC).timestamp()) // 3600
    rows = [  # id, recipient, type, status, hours after start
        (1, 7, "favourite", 10, 0),
        (2, 7, "favourite", 10, 1),  # joins the group begun an hour before
        (3, 7, "favourite", 11, 2),  # another post: another group
        (4, 7, "follow", None, 3),
        (5, 7, "mention", 12, 4),  # never grouped
        (6, 8, "favourite", 10, 5),  # another recipient's, begun at its own hour
        (7, 7, "favourite", 10, 12),  # 12 hours after its group began: a new one
        (8, 7, "reblog", None, 0),  # a reblog that lost its status: nothing to group by
    ]
    with sqlite3.connect(path) as conn:  # foreign keys are off: no accounts needed
        conn.executemany(
            "INSERT INTO notifications (id, account_id, from_account_id, type, status_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    owner,
                    100 + i,
                    kind,
                    status,
                    str(start + timedelta(hours=h, minutes=i)),
                )
                for i, owner, kind, status, h in rows
            ],
        )
    await upgrade(url, "0015")
    with sqlite3.connect(path) as conn:
        keys = dict(conn.execute("SELECT id, group_key FROM notifications ORDER BY id"))
    assert keys == {
        1: f"favourite-10-{hour}",
        2: f"favourite-10-{hour}",
        3: f"favourite-11-{hour + 2}",
        4: f"follow-{hour + 3}",
        5: None,
        6: f"favourite-10-{hour + 5}",
        7: f"favourite-10-{hour + 12}",
        8: None,
    }


async def test_existing_groups_get_their_rows(tmp_path: Path) -> None:
    """Migration 0026 counts the groups there are: visible grouped notifications only."""
    path = tmp_path / "old.db"
    url = normalise_database_url(f"sqlite:///{path}")
    await upgrade(url, "0025")
    rows = [  # id, recipient, type, status, group key, filtered
        (1, 7, "favourite", 10, "favourite-10-5", 0),
        (2, 7, "favourite", 10, "favourite-10-5", 0),
        (3, 7, "favourite", 10, "favourite-10-5", 1),  # held back: not counted
        (4, 7, "follow", None, "follow-5", 0),
        (5, 7, "mention", 12, None, 0),  # never grouped
        (6, 8, "favourite", 10, "favourite-10-5", 0),  # another recipient's
    ]
    with sqlite3.connect(path) as conn:  # foreign keys are off: no accounts needed
        conn.executemany(
            "INSERT INTO notifications (id, account_id, from_account_id, type, status_id,"
            " created_at, group_key, filtered) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (i, owner, 100 + i, kind, status, "2026-12-01 10:00:00", key, held)
                for i, owner, kind, status, key, held in rows
            ],
        )
    await upgrade(url, "0026")
    with sqlite3.connect(path) as conn:
        found = conn.execute(
            "SELECT account_id, group_key, type, status_id, notifications_count, latest_id,"
            " first_id FROM notification_groups ORDER BY account_id, group_key"
        ).fetchall()
    assert found == [
        (7, "favourite-10-5", "favourite", 10, 2, 2, 1),
        (7, "follow-5", "follow", None, 1, 4, 4),
        (8, "favourite-10-5", "favourite", 10, 1, 6, 6),
    ]
