"""Many processes on PostgreSQL + Redis: two web processes and a worker share one instance;
a killed worker's fan-out completes after restart."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.e2e.server import ROOST, Server, fresh_database, roost_server

pytestmark = pytest.mark.e2e

REDIS_URL = os.environ.get("ROOST_TEST_REDIS_URL")


def _needs_services() -> None:
    if not os.environ.get("ROOST_TEST_DATABASE_URL") or not REDIS_URL:
        pytest.skip("scale-out tests run in the PostgreSQL + Redis pass of the suite")


@contextmanager
def cluster(tmp: Path, **env: str) -> Iterator[tuple[Server, Server, dict[str, str]]]:
    """Two `roost serve --no-worker` processes sharing a fresh database and a Redis prefix."""
    assert REDIS_URL
    prefix = f"roost-e2e-{secrets.token_hex(4)}:"
    shared: dict[str, Any] = {"ROOST_REDIS_URL": REDIS_URL, "ROOST_REDIS_PREFIX": prefix, **env}
    with ExitStack() as stack:
        database = stack.enter_context(fresh_database(tmp))
        shared["ROOST_DATABASE_URL"] = database
        a = stack.enter_context(roost_server(tmp / "a", no_worker=True, **shared))
        b = stack.enter_context(roost_server(tmp / "b", no_worker=True, **shared))
        try:
            yield a, b, a.env
        finally:
            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
            if keys:
                client.delete(*keys)


@contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    out = log.open("ab")
    process = subprocess.Popen([ROOST, "worker"], env=env, stdout=out, stderr=out)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)
        out.close()


def token(server: Server, name: str) -> dict[str, str]:
    server.cli(
        "users", "create", name, "--email", f"{name}@example.com", "--password", "pw-12345678"
    )
    return {"Authorization": f"Bearer {server.cli('tokens', 'create', name).strip()}"}


def test_post_reaches_follower_on_the_other_process(tmp_path: Path) -> None:
    _needs_services()
    with cluster(tmp_path) as (a, b, env), worker(env, tmp_path / "worker.log"):
        alice, bob = token(a, "alice"), token(a, "bob")
        alice_id = httpx.get(f"{a.url}/api/v1/accounts/lookup?acct=alice").json()["id"]
        r = httpx.post(f"{a.url}/api/v1/accounts/{alice_id}/follow", headers=bob)
        assert r.status_code == 200, r.text
        assert httpx.get(f"{b.url}/api/v1/timelines/home", headers=bob).json() == []

        async def scenario() -> tuple[float, float, str]:
            async with httpx.AsyncClient(timeout=10) as c:
                stream_url = f"{b.url}/api/v1/streaming/user"
                async with c.stream("GET", stream_url, headers=bob) as stream:
                    assert stream.status_code == 200
                    await asyncio.sleep(0.3)  # let the subscription settle
                    start = time.monotonic()
                    r = await c.post(
                        f"{a.url}/api/v1/statuses", json={"status": "hi bob"}, headers=alice
                    )
                    sid = r.json()["id"]
                    streamed = timeline = 0.0

                    async def read_stream() -> float:
                        event = None
                        async for line in stream.aiter_lines():
                            if line.startswith("event: "):
                                event = line[7:]
                            elif (
                                line.startswith("data: ")
                                and event == "update"
                                and json.loads(line[6:])["id"] == sid
                            ):
                                return time.monotonic() - start
                        raise AssertionError("stream ended")

                    async def poll_home() -> float:
                        while True:
                            r = await c.get(f"{b.url}/api/v1/timelines/home", headers=bob)
                            if sid in [s["id"] for s in r.json()]:
                                return time.monotonic() - start
                            await asyncio.sleep(0.05)

                    streamed, timeline = await asyncio.wait_for(
                        asyncio.gather(read_stream(), poll_home()), 10
                    )
                    return streamed, timeline, sid

        streamed, timeline, sid = asyncio.run(scenario())
        assert timeline < 2.0, f"home timeline on the other process after {timeline:.2f} s"
        assert streamed < 2.0, f"streamed to the other process after {streamed:.2f} s"

        # Redis flushed: the home timeline is rebuilt from SQL.
        client = redis.Redis.from_url(REDIS_URL or "")
        prefix = env["ROOST_REDIS_PREFIX"]
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        assert keys
        client.delete(*keys)
        home = httpx.get(f"{b.url}/api/v1/timelines/home", headers=bob).json()
        assert sid in [s["id"] for s in home]


def _seed_followers(env: dict[str, str], author: str, count: int, mention: list[str]) -> None:
    """Bulk-create `count` followers of `author` through the tables (argon2-free, fast)."""
    code = f"""
import asyncio
from roost.config import Settings
from roost.db import Database
from roost.accounts.tables import accounts, users
from roost.graph.tables import follows
from roost.ids import new_id
from roost.timeutil import utcnow
import sqlalchemy as sa

async def main():
    s = Settings.from_env()
    db = Database(s.database_url)
    now = utcnow()
    author = await db.scalar(sa.select(accounts.c.id).where(accounts.c.username == {author!r}))
    mentioned = set({mention!r})
    for start in range(0, {count}, 5000):
        acc, usr, fol = [], [], []
        for i in range(start, min({count}, start + 5000)):
            aid = new_id()
            name = f"f{{i}}"
            acc.append(dict(id=aid, username=name, username_lower=name, fields=[], created_at=now,
                            following_count=1))
            usr.append(dict(account_id=aid, email=f"{{name}}@example.com",
                            email_lower=f"{{name}}@example.com", password_hash="x",
                            created_at=now, last_active_at=now))
            fol.append(dict(id=new_id(), account_id=aid, target_account_id=author, created_at=now))
        async with db.transaction() as tx:
            await tx.execute(accounts.insert(), acc)
            await tx.execute(users.insert(), usr)
            await tx.execute(follows.insert(), fol)
    async with db.transaction() as tx:
        await tx.execute(accounts.update().where(accounts.c.id == author)
                         .values(followers_count={count}))
    await db.dispose()

asyncio.run(main())
"""
    python = str(Path(ROOST).parent / "python")
    done = subprocess.run(
        [python, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_killed_worker_finishes_fan_out_after_restart(tmp_path: Path) -> None:
    _needs_services()
    followers = 10_000
    with cluster(tmp_path, ROOST_JOB_LEASE="2", ROOST_FANOUT_BATCH="50") as (a, _b, env):
        alice = token(a, "alice")
        _seed_followers(env, "alice", followers, [])
        r = httpx.post(
            f"{a.url}/api/v1/statuses", json={"status": "@f0 @f1 to all of you"}, headers=alice
        )
        assert r.status_code == 200, r.text
        sid = int(r.json()["id"])
        client = redis.Redis.from_url(REDIS_URL or "")
        prefix = env["ROOST_REDIS_PREFIX"]

        # Build every follower's feed first (a fan-out only writes into present feeds):
        # the cheap way, a rebuild of each through the store itself.
        code = """
import asyncio
from roost.instance import Roost
from roost.config import Settings
from roost.accounts.tables import accounts
import sqlalchemy as sa
async def main():
    r = Roost(Settings.from_env())
    ids = await r.db.scalars(sa.select(accounts.c.id).where(accounts.c.username.like('f%')))
    for i in ids:
        await r.feeds.fill(i, [])
    await r.close(); await r.db.dispose()
asyncio.run(main())
"""
        python = str(Path(ROOST).parent / "python")
        done = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

        def in_feed(owner_username: str) -> bool:
            owner = httpx.get(f"{a.url}/api/v1/accounts/lookup?acct={owner_username}").json()
            members: list[bytes] = client.zrange(f"{prefix}feed:{owner['id']}", 0, -1)  # type: ignore[assignment]  # sync client: a list, not an awaitable
            return any(m.split(b":")[0] == str(sid).encode() for m in members)

        with worker(env, tmp_path / "w1.log") as w1:
            deadline = time.monotonic() + 60
            while not in_feed("f0"):
                assert time.monotonic() < deadline, "fan-out never started"
                time.sleep(0.01)
            w1.send_signal(signal.SIGKILL)
            w1.wait()
        last = f"f{followers - 1}"
        assert not in_feed(last), "the job finished before the kill: nothing was tested"
        # With no worker alive, once the lease lapses `roost doctor` names the held job
        # and the command that frees it.
        time.sleep(2.5)
        done = subprocess.run(
            [ROOST, "doctor"], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 1, done.stdout + done.stderr
        assert "FAIL stuck_jobs" in done.stdout, done.stdout
        assert "roost doctor --fix" in done.stdout or "roost worker" in done.stdout, done.stdout
        with worker(env, tmp_path / "w2.log"):
            deadline = time.monotonic() + 60
            while not in_feed(last):
                assert time.monotonic() < deadline, "fan-out did not complete after restart"
                time.sleep(0.2)
            # Every follower has the post exactly once.
            pipe = client.pipeline()
            keys = list(client.scan_iter(match=f"{prefix}feed:*", count=5000))
            for key in keys:
                pipe.zrange(key, 0, -1)
            counts = [
                sum(1 for m in members if m.split(b":")[0] == str(sid).encode())
                for members in pipe.execute()
            ]
            assert sum(counts) == followers  # alice's own feed was never built: absent
            assert max(counts) == 1
        # The mentions were notified once each, however often the job ran.
        for name in ("f0", "f1"):
            assert _count_notifications(env, name) == 1


def _count_notifications(env: dict[str, str], username: str) -> int:
    code = f"""
import asyncio, sqlalchemy as sa
from roost.config import Settings
from roost.db import Database
from roost.accounts.tables import accounts
from roost.notifications.tables import notifications
async def main():
    db = Database(Settings.from_env().database_url)
    n = await db.scalar(sa.select(sa.func.count()).select_from(notifications)
        .join(accounts, accounts.c.id == notifications.c.account_id)
        .where(accounts.c.username == {username!r}))
    print(n)
    await db.dispose()
asyncio.run(main())
"""
    python = str(Path(ROOST).parent / "python")
    done = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())
