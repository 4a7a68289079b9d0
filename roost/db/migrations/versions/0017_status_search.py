"""search: a full-text index of posts (SQLite FTS5, PostgreSQL GIN over a tsvector)

The index follows `statuses` by itself, in the writing transaction: on SQLite, triggers
keep an external-content FTS5 table (no second copy of the text); on PostgreSQL it is an
expression index. Reblogs carry no text of their own and are left out.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 19:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE status_search USING fts5(spoiler_text, text, content='statuses',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER status_search_insert AFTER INSERT ON statuses"
    " WHEN new.reblog_of_id IS NULL BEGIN"
    " INSERT INTO status_search(rowid, spoiler_text, text)"
    " VALUES (new.id, new.spoiler_text, new.text); END",
    "CREATE TRIGGER status_search_delete AFTER DELETE ON statuses"
    " WHEN old.reblog_of_id IS NULL BEGIN"
    " INSERT INTO status_search(status_search, rowid, spoiler_text, text)"
    " VALUES ('delete', old.id, old.spoiler_text, old.text); END",
    "CREATE TRIGGER status_search_update AFTER UPDATE OF spoiler_text, text ON statuses"
    " WHEN old.reblog_of_id IS NULL BEGIN"
    " INSERT INTO status_search(status_search, rowid, spoiler_text, text)"
    " VALUES ('delete', old.id, old.spoiler_text, old.text);"
    " INSERT INTO status_search(rowid, spoiler_text, text)"
    " VALUES (new.id, new.spoiler_text, new.text); END",
    "INSERT INTO status_search(rowid, spoiler_text, text)"
    " SELECT id, spoiler_text, text FROM statuses WHERE reblog_of_id IS NULL",
]
SQLITE_DOWN = [
    "DROP TRIGGER status_search_update",
    "DROP TRIGGER status_search_delete",
    "DROP TRIGGER status_search_insert",
    "DROP TABLE status_search",
]
# Words as 'simple' splits them, without their accents (as SQLite's remove_diacritics):
# unaccent ships with PostgreSQL (contrib); creating it needs a role that may.
# roost.search.fulltext_queries builds the same expression, so the planner uses the index.
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION roost_search (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION roost_search ALTER MAPPING FOR asciiword, asciihword,"
    " hword_asciipart, word, hword, hword_part WITH unaccent, simple",
    "CREATE INDEX ix_statuses_search ON statuses USING gin"
    " (to_tsvector('roost_search'::regconfig, spoiler_text || ' ' || text))"
    " WHERE reblog_of_id IS NULL",
]
POSTGRES_DOWN = ["DROP INDEX ix_statuses_search", "DROP TEXT SEARCH CONFIGURATION roost_search"]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_UP if sqlite else POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_DOWN if sqlite else POSTGRES_DOWN:
        op.execute(statement)
