"""Migration 0027 gives every admin from before roles the admin role, and no one else one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from roost.config import normalise_database_url
from roost.db.migrate import upgrade


async def test_admins_become_the_admin_role(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = normalise_database_url(f"sqlite:///{path}")
    await upgrade(url, "0026")
    with sqlite3.connect(path) as conn:
        for account_id, name, admin in [(1, "boss", True), (2, "ana", False)]:
            conn.execute(
                "INSERT INTO accounts (id, username, username_lower, fields, created_at)"
                " VALUES (?, ?, ?, '[]', '2026-12-01 10:00:00')",
                (account_id, name, name),
            )
            conn.execute(
                "INSERT INTO users (account_id, email, email_lower, password_hash, admin,"
                " created_at, last_active_at) VALUES (?, ?, ?, 'x', ?, '2026-12-01 10:00:00',"
                " '2026-12-01 10:00:00')",
                (account_id, f"{name}@example.com", f"{name}@example.com", admin),
            )
    await upgrade(url, "0027")
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT account_id, role, admin FROM users ORDER BY account_id")
        assert list(rows) == [(1, "admin", 1), (2, None, 0)]
