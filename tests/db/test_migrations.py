"""The Alembic migrations build exactly the schema the tables declare."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from roost.db import Database
from roost.schema import metadata

# The full-text index of posts is made by hand in its migrations, for each database: an
# FTS5 table with its shadow tables on SQLite; on PostgreSQL a stored `search_vector`
# column (generated, which Alembic's comparison does not model) and its GIN index.
SEARCH_INDEX = ("status_search", "ix_statuses_search")


def declared(name: str | None, kind: str, parents: Any) -> bool:
    if kind == "column" and name == "search_vector":
        return False
    return not (name or "").startswith(SEARCH_INDEX)


async def test_migrations_match_the_tables(db: Database) -> None:
    def diff(conn: sa.Connection) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"include_name": declared})
        return list(compare_metadata(context, metadata))

    async with db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []
