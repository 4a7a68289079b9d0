"""A real `roost serve` process on a free port with its own fresh database."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOST = str(Path(sys.executable).parent / "roost")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _pg_admin(sql: str) -> None:
    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints

    base = os.environ["ROOST_TEST_DATABASE_URL"]
    admin = base.replace("postgresql+asyncpg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"

    async def run() -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@contextmanager
def fresh_database(tmp: Path) -> Iterator[str]:
    """A new empty database (PostgreSQL when the suite runs on it, else a SQLite file)."""
    base = os.environ.get("ROOST_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp / 'server.db'}"
        return
    name = f"roost_e2e_{os.getpid()}_{secrets.token_hex(3)}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Server:
    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]

    def cli(self, *args: str) -> str:
        """Run a `roost` command against this server's database; returns its stdout."""
        done = subprocess.run(
            [ROOST, *args], env=self.env, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


@contextmanager
def roost_server(
    tmp: Path, *, no_worker: bool = False, workers: int = 1, **env: str
) -> Iterator[Server]:
    """Start `roost serve` and wait until it answers; stop it afterwards. Without
    ROOST_DATABASE_URL in `env` it gets a fresh database of its own."""
    port = free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        database_url = env.pop("ROOST_DATABASE_URL", None) or stack.enter_context(
            fresh_database(tmp)
        )
        full_env = {
            **os.environ,
            "ROOST_DATA_DIR": str(tmp / "data"),
            "ROOST_DATABASE_URL": database_url,
            "ROOST_DOMAIN": f"127.0.0.1:{port}",
            **env,
        }
        log = (tmp / "server.log").open("wb")
        command = [ROOST, "serve", "--port", str(port), "--workers", str(workers)]
        command += ["--no-worker"] if no_worker else []
        process = subprocess.Popen(command, env=full_env, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError((tmp / "server.log").read_text())
                try:
                    if httpx.get(f"{url}/api/v1/instance", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("roost serve did not start in 30 s")
                time.sleep(0.1)
            yield Server(url, full_env, process)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
