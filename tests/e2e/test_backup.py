"""`roost backup` while a real `roost serve` takes posts, then wipe everything and `roost
restore` into a new data dir and database: every account, follow and post acknowledged
before the backup is back (on SQLite, and on PostgreSQL with pg_dump)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import httpx
import pytest

from tests.e2e.server import ROOST, Server, fresh_database, roost_server

pytestmark = pytest.mark.e2e


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ROOST, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _token(server: Server, name: str) -> dict[str, str]:
    server.cli("users", "create", name, "--email", f"{name}@example.com")
    token = server.cli("tokens", "create", name, "--scopes", "read write follow").strip()
    return {"Authorization": f"Bearer {token}"}


class Poster(threading.Thread):
    """Posts as each of `authors` in turn until stopped; keeps the acknowledged ids."""

    def __init__(self, url: str, authors: list[dict[str, str]]) -> None:
        super().__init__(daemon=True)
        self.url, self.authors = url, authors
        self.acked: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            n = 0
            while not self.stop.is_set():
                auth = self.authors[n % len(self.authors)]
                r = client.post("/api/v1/statuses", headers=auth, data={"status": f"post {n}"})
                if r.status_code == 200:
                    with self.lock:
                        self.acked.append(r.json()["id"])
                n += 1

    def count(self) -> int:
        with self.lock:
            return len(self.acked)

    def wait_for(self, n: int) -> set[str]:
        while self.count() < n:
            assert self.is_alive()
            self.stop.wait(0.01)
        with self.lock:
            return set(self.acked)


def _statuses(client: httpx.Client, auth: dict[str, str], account_id: str) -> set[str]:
    ids: set[str] = set()
    params: dict[str, str] = {"limit": "40"}
    while True:
        page = client.get(f"/api/v1/accounts/{account_id}/statuses", headers=auth, params=params)
        assert page.status_code == 200, page.text
        if not page.json():
            return ids
        ids |= {s["id"] for s in page.json()}
        params["max_id"] = page.json()[-1]["id"]


@pytest.mark.timeout(300)
def test_backup_while_posting_then_restore_into_an_empty_instance(tmp_path: Path) -> None:
    if os.environ.get("ROOST_TEST_DATABASE_URL") and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")
    archive = tmp_path / "roost-backup.tar.gz"
    with roost_server(tmp_path / "live") as server:
        alice, bob = _token(server, "alice"), _token(server, "bob")
        with httpx.Client(base_url=server.url, timeout=30) as client:
            ids = {
                name: client.get("/api/v1/accounts/verify_credentials", headers=auth).json()["id"]
                for name, auth in (("alice", alice), ("bob", bob))
            }
            followed = client.post(f"/api/v1/accounts/{ids['bob']}/follow", headers=alice)
            assert followed.json()["following"]
        poster = Poster(server.url, [alice, bob])
        poster.start()
        try:
            before = poster.wait_for(30)
            done = _run(server.env, "backup", str(archive))
            assert done.returncode == 0, done.stderr
            count = poster.count()
            poster.wait_for(count + 10)  # the server took posts during and after the backup
        finally:
            poster.stop.set()
            poster.join(60)
        with poster.lock:
            every = set(poster.acked)
        secret_key = (tmp_path / "live" / "data" / "secret_key").read_text()
        vapid_key = (tmp_path / "live" / "data" / "vapid_private_key").read_text()
    shutil.rmtree(tmp_path / "live")  # the data dir (and, on SQLite, the database) is gone

    new = tmp_path / "new"
    with fresh_database(new) as database_url:
        env = {**os.environ, "ROOST_DATA_DIR": str(new / "data")}
        env["ROOST_DATABASE_URL"] = database_url
        done = _run(env, "restore", str(archive))
        assert done.returncode == 0, done.stderr
        assert (new / "data" / "secret_key").read_text() == secret_key
        # Web Push's key too: a new one would break every phone's subscription.
        assert (new / "data" / "vapid_private_key").read_text() == vapid_key
        again = _run(env, "restore", str(archive))
        assert again.returncode == 1
        assert "not empty" in again.stderr

        with roost_server(new, ROOST_DATABASE_URL=database_url) as restored:
            with httpx.Client(base_url=restored.url, timeout=30) as client:
                me = client.get("/api/v1/accounts/verify_credentials", headers=alice)
                assert me.status_code == 200  # the tokens came back too
                following = client.get(f"/api/v1/accounts/{ids['alice']}/following", headers=alice)
                assert [a["acct"] for a in following.json()] == ["bob"]
                posts = _statuses(client, alice, ids["alice"]) | _statuses(
                    client, alice, ids["bob"]
                )
                assert before <= posts  # every post acknowledged before the backup
                assert posts <= every  # and nothing that was never acknowledged
                home = client.get("/api/v1/timelines/home", headers=alice, params={"limit": 40})
                assert {s["id"] for s in home.json()} <= posts
            assert _run(restored.env, "doctor").returncode == 0
