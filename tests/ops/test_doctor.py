"""`roost doctor`: through the command on a SQLite data dir of its own, and its checks
in-process on the suite's instance (SQLite, or PostgreSQL + Redis)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command

from roost.db.migrate import alembic_config
from roost.instance import Roost
from roost.jobs import queue
from roost.ops import backlog
from roost.ops.doctor import examine
from roost.ops.findings import Subject
from tests.conftest import User
from tests.e2e.server import ROOST


def roost_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    env["ROOST_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [ROOST, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def findings(done: subprocess.CompletedProcess[str]) -> dict[str, list[dict[str, Any]]]:
    by_check: dict[str, list[dict[str, Any]]] = {}
    for f in json.loads(done.stdout):
        by_check.setdefault(f["check"], []).append(f)
    return by_check


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "var"
    assert roost_cli(data, "users", "create", "alice", "--email", "a@example.com").returncode == 0
    return data


def test_doctor_passes_on_a_healthy_instance(data_dir: Path) -> None:
    done = roost_cli(data_dir, "doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAIL" not in done.stdout
    checks = findings(roost_cli(data_dir, "doctor", "--json"))
    assert all(f["ok"] for fs in checks.values() for f in fs)
    assert {"config", "database", "migrations", "disk", "dead_jobs", "permissions"} <= set(checks)


def test_doctor_names_faults_with_their_fix_and_repairs_them(data_dir: Path) -> None:
    db_file = data_dir / "roost.db"
    command.downgrade(alembic_config(f"sqlite+aiosqlite:///{db_file}"), "-1")
    with sqlite3.connect(db_file) as conn:
        conn.execute(
            "INSERT INTO jobs (id, kind, payload, state, attempts, run_at, created_at, last_error)"
            " VALUES (1, 'fan_out', '{}', 'dead', 8, '2026-01-01 00:00:00',"
            " '2026-01-01 00:00:00', 'boom: the cause')"
        )
    (data_dir / "secret_key").chmod(0o644)

    done = roost_cli(data_dir, "doctor")
    assert done.returncode == 1
    assert "FAIL dead_jobs: 1 jobs failed every attempt" in done.stdout
    assert "boom: the cause" in done.stdout
    assert "fix: roost jobs --retry-dead" in done.stdout
    assert f"fix: chmod 600 {data_dir / 'secret_key'}" in done.stdout
    assert "FAIL migrations: Migrations are pending" in done.stdout
    assert "fix: roost migrate" in done.stdout

    fixed = roost_cli(data_dir, "doctor", "--fix", "--json")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    checks = findings(fixed)
    assert checks["dead_jobs"][0]["fixed"] == "Queued 1 dead jobs again."
    assert checks["permissions"][0]["fixed"] == f"chmod 600 {data_dir / 'secret_key'}"
    assert checks["migrations"][0]["fixed"].startswith("Applied migrations")
    assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("SELECT state FROM jobs").fetchall() == [("queued",)]

    again = roost_cli(data_dir, "doctor")
    assert again.returncode == 0, again.stdout


def test_doctor_names_a_configuration_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    env.update(ROOST_DATA_DIR=str(tmp_path), ROOST_SQLITE_SYNC="sometimes")
    done = subprocess.run(
        [ROOST, "doctor"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert "FAIL config: The configuration does not load: ROOST_SQLITE_SYNC" in done.stdout
    assert "fix: unset ROOST_SQLITE_SYNC" in done.stdout


def test_doctor_names_a_missing_database_and_creates_it(tmp_path: Path) -> None:
    done = roost_cli(tmp_path / "var", "doctor")
    assert done.returncode == 1
    assert "fix: roost migrate" in done.stdout
    assert not (tmp_path / "var" / "roost.db").exists()
    assert roost_cli(tmp_path / "var", "doctor", "--fix").returncode == 0
    assert roost_cli(tmp_path / "var", "doctor").returncode == 0


def subject(roost: Roost) -> Subject:
    return Subject(roost.settings, roost.db, roost.feeds, roost.backends.redis)


async def test_doctor_reclaims_jobs_whose_lease_lapsed(roost: Roost) -> None:
    async with roost.db.transaction() as tx:
        await queue.enqueue(tx, "no_such_job", {})
    assert len(await queue.claim(roost.db, "gone", lease=-1.0)) == 1

    found = {f.check: f for f in await examine(subject(roost))}
    assert not found["stuck_jobs"].ok
    assert found["stuck_jobs"].fix == "roost worker --once"

    found = {f.check: f for f in await examine(subject(roost), fix=True)}
    assert found["stuck_jobs"].fixed == "Queued 1 jobs again."
    assert await queue.counts(roost.db) == {"queued": 1}


async def test_doctor_drops_a_feed_that_misses_posts(
    roost: Roost,
    client: httpx.AsyncClient,
    alice: User,
    bob: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(backlog, "SETTLE", timedelta(0))
    await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.auth)
    await client.get("/api/v1/timelines/home", headers=alice.auth)  # alice's feed is present
    posted = await client.post("/api/v1/statuses", headers=bob.auth, data={"status": "hi"})
    status_id = int(posted.json()["id"])
    assert await roost.feeds.page(alice.id) == [status_id]

    found = {f.check: f for f in await examine(subject(roost))}
    assert found["feeds"].ok, found["feeds"]

    await roost.feeds.remove([alice.id], [(status_id, bob.id)])
    found = {f.check: f for f in await examine(subject(roost))}
    assert not found["feeds"].ok
    assert str(alice.id) in found["feeds"].message

    found = {f.check: f for f in await examine(subject(roost), fix=True)}
    assert found["feeds"].fixed
    assert await roost.feeds.page(alice.id) is None  # rebuilt on alice's next read
    home = await client.get("/api/v1/timelines/home", headers=alice.auth)
    assert [s["id"] for s in home.json()] == [str(status_id)]
