"""A real `roost serve` with ROOST_BACKUP_DIR takes a backup by itself soon after it starts,
and `roost restore` of that archive into an empty instance gives back what was posted
before (on SQLite, and on PostgreSQL with pg_dump)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from roost.config import normalise_database_url
from roost.db import Database
from roost.ops.backup import PREFIX, SUFFIX
from roost.ops.tables import schedules
from tests.e2e.server import ROOST, fresh_database, roost_server

pytestmark = pytest.mark.e2e


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ROOST, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


async def _schedules(database_url: str) -> int:
    db = Database(normalise_database_url(database_url))
    try:
        return int(await db.scalar(sa.select(sa.func.count()).select_from(schedules)))
    finally:
        await db.dispose()


@pytest.mark.timeout(240)
def test_serve_backs_up_by_itself_and_the_backup_restores(tmp_path: Path) -> None:
    if os.environ.get("ROOST_TEST_DATABASE_URL") and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")
    backups = tmp_path / "backups"
    live = tmp_path / "live"
    with fresh_database(live) as database_url:
        with roost_server(live, ROOST_DATABASE_URL=database_url) as server:
            server.cli("users", "create", "alice", "--email", "alice@example.com")
            token = server.cli("tokens", "create", "alice", "--scopes", "read write").strip()
            auth = {"Authorization": f"Bearer {token}"}
            posted = httpx.post(
                f"{server.url}/api/v1/statuses", headers=auth, data={"status": "before"}
            )
            assert posted.status_code == 200, posted.text
            post_id = posted.json()["id"]
        assert not backups.exists()  # no schedule without ROOST_BACKUP_DIR

        with roost_server(
            live, ROOST_DATABASE_URL=database_url, ROOST_BACKUP_DIR=str(backups)
        ) as server:
            started = time.monotonic()
            while not list(backups.glob(f"{PREFIX}*{SUFFIX}")):
                assert time.monotonic() - started < 15, (live / "server.log").read_text()
                time.sleep(0.1)
            took = time.monotonic() - started
            [archive] = backups.glob(f"{PREFIX}*{SUFFIX}")
            doctor = _run(server.env, "doctor", "--json")
            [finding] = [f for f in json.loads(doctor.stdout) if f["check"] == "backups"]
            assert finding["ok"], finding
            assert archive.name in finding["message"]
        print(f"first scheduled backup {took:.1f} s after the server answered")
    shutil.rmtree(live)

    new = tmp_path / "new"
    with fresh_database(new) as database_url:
        env = {**os.environ, "ROOST_DATA_DIR": str(new / "data")}
        env["ROOST_DATABASE_URL"] = database_url
        done = _run(env, "restore", str(archive))
        assert done.returncode == 0, done.stderr
        assert asyncio.run(_schedules(database_url)) == 0  # not the run the snapshot caught
        with roost_server(new, ROOST_DATABASE_URL=database_url) as restored:
            got = httpx.get(f"{restored.url}/api/v1/statuses/{post_id}", headers=auth)
            assert got.status_code == 200, got.text
            assert "before" in got.json()["content"]
