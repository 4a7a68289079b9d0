"""SIGTERM drains instead of cutting (issue 16): a real `roost serve` finishes the requests
in flight and exits 0; a real `roost worker` finishes the jobs it holds and exits 0,
leaving no job `running` under its lease (on SQLite, or PostgreSQL when the suite runs on
it)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from roost.accounts.tables import accounts, users
from roost.config import normalise_database_url
from roost.db import Database
from roost.graph.tables import follows
from roost.ids import new_id
from roost.jobs.tables import jobs
from roost.statuses.tables import statuses
from roost.timeutil import utcnow
from tests.e2e.server import ROOST, Server, fresh_database, roost_server

pytestmark = pytest.mark.e2e

IN_FLIGHT = 30  # concurrent posts when SIGTERM arrives
EXIT_WITHIN = 10.0  # seconds: streams end at once (roost.http.shutdown); posts and jobs


def _token(server: Server, name: str) -> dict[str, str]:
    server.cli("users", "create", name, "--email", f"{name}@example.com")
    token = server.cli("tokens", "create", name, "--scopes", "read write").strip()
    return {"Authorization": f"Bearer {token}"}


async def _in_database(database_url: str, stmt: sa.Select[tuple[int]]) -> list[int]:
    db = Database(normalise_database_url(database_url))
    try:
        return [int(v) for v in await db.scalars(stmt)]
    finally:
        await db.dispose()


def _wait_exit(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, float]:
    """SIGTERM `process`; its exit status and how long it took to exit."""
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        status = process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"still running {timeout:.0f} s after SIGTERM")
    return status, time.monotonic() - sent


@pytest.mark.timeout(120)
def test_serve_finishes_requests_in_flight_on_sigterm(tmp_path: Path) -> None:
    """SIGTERM while IN_FLIGHT posts are in flight and a stream is open: every post gets
    its whole response, every acknowledged one is in the database, and the process exits 0
    within EXIT_WITHIN seconds."""
    with fresh_database(tmp_path) as database_url:
        with roost_server(tmp_path, ROOST_DATABASE_URL=database_url) as server:
            auth = _token(server, "ada")
            server_pid = server.process.pid
            outcome = asyncio.run(_posts_during_sigterm(server, auth))
        acked, failures, pending_at_signal, status, exited, streamed = outcome
        log = (tmp_path / "server.log").read_text()
        print(
            f"{pending_at_signal} of {IN_FLIGHT} posts in flight at SIGTERM; "
            f"{len(acked)} acknowledged; exit {status} after {exited:.1f} s; "
            f"stream ended {streamed:.1f} s after SIGTERM"
        )
        assert pending_at_signal >= 5, "SIGTERM came after the burst"
        assert not failures, failures
        assert len(acked) == IN_FLIGHT
        # A clean stop exits 0 (uvicorn re-raises the SIGTERM it handled; `roost serve`
        # turns that into exit 0), after a complete shutdown.
        assert status == 0, log
        assert "Application shutdown complete." in log
        assert f"Finished server process [{server_pid}]" in log, log
        assert exited < EXIT_WITHIN, log
        assert streamed < 5, "the open stream held the shutdown up"
        assert "never retrieved" not in log, log  # every task's outcome was collected
        stored = asyncio.run(
            _in_database(database_url, sa.select(statuses.c.id).where(statuses.c.id.in_(acked)))
        )
        assert sorted(stored) == sorted(acked)
        # The in-process worker stopped after its batch: no job is left under its lease.
        running = sa.select(jobs.c.id).where(jobs.c.state == "running")
        assert not asyncio.run(_in_database(database_url, running))


async def _posts_during_sigterm(
    server: Server, auth: dict[str, str]
) -> tuple[list[int], list[str], int, int, float, float]:
    """Open a stream, start IN_FLIGHT posts at once, SIGTERM the server as the first is
    answered. Returns the acknowledged ids, the failures, how many posts were still
    unanswered at SIGTERM, the exit status, seconds to exit and to the stream's end."""
    stream_opened = asyncio.Event()
    stream_ended = asyncio.Event()

    async def read_stream() -> None:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            with contextlib.suppress(httpx.HTTPError):
                async with client.stream(
                    "GET", "/api/v1/streaming/public", headers=auth
                ) as response:
                    assert response.status_code == 200
                    stream_opened.set()
                    async for _line in response.aiter_lines():
                        pass
        stream_ended.set()

    stream = asyncio.create_task(read_stream())
    await asyncio.wait_for(stream_opened.wait(), 10)
    # No keep-alive: each post on a connection of its own, answered or refused, never a
    # request racing the server's close of an idle connection.
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as client:

        async def post(n: int) -> httpx.Response:
            return await client.post("/api/v1/statuses", headers=auth, data={"status": f"{n}"})

        tasks = [asyncio.create_task(post(n)) for n in range(IN_FLIGHT)]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        pending = sum(not t.done() for t in tasks)
        loop = asyncio.get_running_loop()
        signalled = time.monotonic()
        exiting = loop.run_in_executor(None, _wait_exit, server.process, EXIT_WITHIN + 5)
        answers = await asyncio.gather(*tasks, return_exceptions=True)
    acked, failures = [], []
    for n, answer in enumerate(answers):
        if isinstance(answer, BaseException):
            failures.append(f"post {n}: {type(answer).__name__}: {answer}")
        elif answer.status_code != 200:
            failures.append(f"post {n}: {answer.status_code} {answer.text}")
        else:
            acked.append(int(answer.json()["id"]))
    status, exited = await exiting
    await asyncio.wait_for(stream_ended.wait(), 5)
    streamed = time.monotonic() - signalled
    await stream
    return acked, failures, pending, status, exited, streamed


async def _seed_followers(database_url: str, author: str, count: int) -> None:
    """`count` active followers of `author`, straight into the tables (argon2-free)."""
    db = Database(normalise_database_url(database_url))
    try:
        now = utcnow()
        author_id = await db.scalar(sa.select(accounts.c.id).where(accounts.c.username == author))
        for start in range(0, count, 5000):
            acc, usr, fol = [], [], []
            for i in range(start, min(count, start + 5000)):
                aid, name = new_id(), f"f{i}"
                acc.append(
                    {"id": aid, "username": name, "username_lower": name, "fields": [],
                     "created_at": now, "following_count": 1}
                )  # fmt: skip
                usr.append(
                    {"account_id": aid, "email": f"{name}@example.com",
                     "email_lower": f"{name}@example.com", "password_hash": "x",
                     "created_at": now, "last_active_at": now}
                )  # fmt: skip
                fol.append(
                    {"id": new_id(), "account_id": aid, "target_account_id": author_id,
                     "created_at": now}
                )  # fmt: skip
            async with db.transaction() as tx:
                await tx.execute(accounts.insert(), acc)
                await tx.execute(users.insert(), usr)
                await tx.execute(follows.insert(), fol)
        await db.execute(
            accounts.update().where(accounts.c.id == author_id).values(followers_count=count)
        )
    finally:
        await db.dispose()


FOLLOWERS = 20_000  # each post's fan-out writes this many feed entries: a job of moment
POSTS = 30


@pytest.mark.timeout(180)
def test_worker_finishes_the_jobs_it_holds_on_sigterm(tmp_path: Path) -> None:
    """`roost worker` gets SIGTERM while it runs fan-out jobs: it exits 0, the jobs it
    held are done (deleted), none is left `running`, and the rest wait, queued, for the
    next worker."""
    with (
        fresh_database(tmp_path) as database_url,
        roost_server(tmp_path, no_worker=True, ROOST_DATABASE_URL=database_url) as server,
    ):
        auth = _token(server, "ada")
        asyncio.run(_seed_followers(database_url, "ada", FOLLOWERS))
        for n in range(POSTS):
            r = httpx.post(f"{server.url}/api/v1/statuses", headers=auth, data={"status": n})
            assert r.status_code == 200, r.text
        running = sa.select(jobs.c.id).where(jobs.c.state == "running")
        everything = sa.select(jobs.c.id)
        assert len(asyncio.run(_in_database(database_url, everything))) >= POSTS

        log = (tmp_path / "worker.log").open("wb")
        worker = subprocess.Popen([ROOST, "worker"], env=server.env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 30
            held: list[int] = []
            while not held:
                assert time.monotonic() < deadline, "the worker claimed nothing in 30 s"
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()
                held = asyncio.run(_in_database(database_url, running))
            status, exited = _wait_exit(worker, 60)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            log.close()
        output = (tmp_path / "worker.log").read_text()
        left = asyncio.run(_in_database(database_url, everything))
        print(
            f"worker held {len(held)} jobs at SIGTERM, exited {status} after "
            f"{exited:.1f} s; {len(left)} jobs left queued"
        )
        assert status == 0, output
        assert "stopped" in output, output
        assert not asyncio.run(_in_database(database_url, running)), server.cli("jobs")
        assert not set(held) & set(left), "a job it held was not completed"
        assert left, "the worker ran the whole queue instead of stopping"
        assert server.cli("jobs").split() == [f"queued={len(left)}"]
        # The next worker takes the rest.
        server.cli("worker", "--once")
        assert not asyncio.run(_in_database(database_url, everything))
