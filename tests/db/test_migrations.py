"""The Alembic migrations build exactly the schema the tables declare."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from roost.db import Database
from roost.schema import metadata


async def test_migrations_match_the_tables(db: Database) -> None:
    def diff(conn: sa.Connection) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(conn), metadata))

    async with db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []
