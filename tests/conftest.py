"""Shared fixtures: a real database per run (SQLite file, or a fresh PostgreSQL database
when ROOST_TEST_DATABASE_URL is set), clean tables per test, and a cast of users."""

from __future__ import annotations

import dataclasses
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from roost.accounts.passwords import use_fast_hashing
from roost.accounts.registration import do_create_account
from roost.app import create_app
from roost.config import Settings, normalise_database_url
from roost.db import Database
from roost.db.migrate import upgrade
from roost.instance import Roost
from roost.jobs.worker import Worker
from roost.oauth.actions import do_create_token
from roost.schema import metadata

use_fast_hashing()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh database for this run, dropped afterwards."""
    pg = os.environ.get("ROOST_TEST_DATABASE_URL")
    if not pg:
        with tempfile.TemporaryDirectory(prefix="roost-test-") as tmp:
            yield normalise_database_url(f"sqlite:///{Path(tmp) / 'roost.db'}")
        return
    import asyncio

    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints

    name = f"roost_test_{os.getpid()}_{secrets.token_hex(3)}"
    base = pg.replace("postgresql+asyncpg://", "postgresql://").replace(
        "postgres://", "postgresql://"
    )
    admin = base.rsplit("/", 1)[0] + "/postgres"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield normalise_database_url(base.rsplit("/", 1)[0] + f"/{name}")
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    redis_url = os.environ.get("ROOST_TEST_REDIS_URL") or None
    return Settings(
        domain="testserver",
        https=False,
        data_dir=tmp_path_factory.mktemp("data"),
        database_url=database_url,
        redis_url=redis_url,
        # A key prefix of its own per run, so runs never see each other's keys.
        redis_prefix=f"roost-test-{os.getpid()}-{secrets.token_hex(3)}:",
        secret_key="test-secret-key",
        rate_limit_per_5min=100_000,
        in_process_worker=False,
    )


@pytest.fixture(scope="session")
async def db(settings: Settings) -> AsyncIterator[Database]:
    await upgrade(settings.database_url)
    database = Database(settings.database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def roost(db: Database, settings: Settings) -> AsyncIterator[Roost]:
    """A Roost instance on emptied tables, feeds and caches, with a worker that tests
    drive (`await roost.worker.run_pending()`; the `client` does it after each request)."""
    async with db.transaction() as tx:
        for table in reversed(metadata.sorted_tables):
            await tx.execute(sa.delete(table))
    instance = Roost(settings, db)
    await instance.feeds.clear()
    await instance.list_feeds.clear()
    await instance.cache.clear()
    await instance.limiter.clear()
    instance.worker = Worker(instance)
    yield instance
    await instance.close()


@asynccontextmanager
async def variant(roost: Roost, **changes: Any) -> AsyncIterator[Roost]:
    """Another Roost on the same database with some settings changed; closed afterwards."""
    other = Roost(dataclasses.replace(roost.settings, **changes), roost.db)
    other.worker = Worker(other)
    try:
        yield other
    finally:
        await other.close()


@pytest.fixture
async def client(roost: Roost) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app. After each response it runs the jobs the request queued,
    so tests see fan-out's effects as a person would a moment later."""
    app = create_app(roost.settings, roost)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    worker = roost.worker
    assert worker is not None

    async def run_jobs(response: httpx.Response) -> None:
        if worker.take_wake():
            await worker.run_pending()

    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver",
        event_hooks={"response": [run_jobs]},
    ) as c:
        yield c


@dataclass
class User:
    id: int
    username: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        """Headers that make a request as this user."""
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def sid(self) -> str:
        return str(self.id)


MakeUser = Callable[..., Awaitable[User]]


@pytest.fixture
def make_user(roost: Roost) -> MakeUser:
    """Create an account (password `password123`) and a token for it."""

    async def make(
        username: str,
        *,
        locked: bool = False,
        admin: bool = False,
        scopes: str = "read write follow push",
        **extra: Any,
    ) -> User:
        account = await do_create_account(
            roost.db,
            username=username,
            email=f"{username}@example.com",
            password="password123",
            admin=admin,
            locked=locked,
            **extra,
        )
        token = await do_create_token(roost.db, account_id=account.id, app_id=None, scopes=scopes)
        return User(account.id, username, token.access_token)

    return make


@pytest.fixture
async def alice(make_user: MakeUser) -> User:
    return await make_user("alice")


@pytest.fixture
async def bob(make_user: MakeUser) -> User:
    return await make_user("bob")


@pytest.fixture
async def carol(make_user: MakeUser) -> User:
    return await make_user("carol")


@pytest.fixture
async def locked(make_user: MakeUser) -> User:
    """A locked account: follows need its approval."""
    return await make_user("locked", locked=True)
