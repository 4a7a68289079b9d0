"""search: PostgreSQL keeps each post's words in a stored column

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06 00:00:00

Migration 0017 indexed the expression `to_tsvector(...)`. A search then had two poor
choices: read a common word's whole posting list from the GIN index (25 ms for a word in
12% of 1M posts), or walk the newest posts computing each one's vector again (11 µs a
post, 56 ms for 5,000). With the vector stored, walking the newest posts costs about a
microsecond each, so PostgreSQL can stop at the newest 200 matches of a common word
(0.3 ms) and still take the index for a rare one (measured at 1M posts; see
roost.search.fulltext_queries). Adding a stored generated column rewrites `statuses`
under an exclusive lock: about 40 s at 1M posts on a small machine. SQLite's FTS5 table is
unchanged.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same words as 0017's expression (roost.search.fulltext_queries matches on this column).
VECTOR = "to_tsvector('roost_search'::regconfig, spoiler_text || ' ' || text)"
UP = [
    f"ALTER TABLE statuses ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX ix_statuses_search_vector ON statuses USING gin (search_vector)"
    " WHERE reblog_of_id IS NULL",
    "DROP INDEX ix_statuses_search",
    "ANALYZE statuses",
]
DOWN = [
    f"CREATE INDEX ix_statuses_search ON statuses USING gin ({VECTOR}) WHERE reblog_of_id IS NULL",
    "DROP INDEX ix_statuses_search_vector",
    "ALTER TABLE statuses DROP COLUMN search_vector",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for statement in UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for statement in DOWN:
            op.execute(statement)
