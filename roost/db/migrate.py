"""Apply Alembic migrations from code: `roost migrate` and the start of `roost serve`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


async def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision` (creating the SQLite file if needed)."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    cfg = alembic_config(url)
    engine = create_async_engine(url)

    def _do(conn: Connection) -> None:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

    async with engine.connect() as conn:
        await conn.run_sync(_do)
        await conn.commit()
    await engine.dispose()


def upgrade_sync(url: str, revision: str = "head") -> None:
    asyncio.run(upgrade(url, revision))


def head_revision() -> str | None:
    """The newest migration this code knows."""
    head: str | None = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    return head


async def current_revision(url: str) -> str | None:
    """The migration the database at `url` is at (None: none applied yet)."""
    engine = create_async_engine(url)

    def _do(conn: Connection) -> str | None:
        revision: str | None = MigrationContext.configure(conn).get_current_revision()
        return revision

    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_do)
    finally:
        await engine.dispose()
