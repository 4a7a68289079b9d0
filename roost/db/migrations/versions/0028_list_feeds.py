"""list feeds: each list's timeline fanned out like home (list_feed, list_feed_marks)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty at first: every list feed is absent, so its first read rebuilds it from SQL.
    op.create_table(
        "list_feed",
        sa.Column("list_id", sa.BigInteger(), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["lists.id"], name=op.f("fk_list_feed_list_id_lists"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name=op.f("fk_list_feed_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("list_id", "status_id", name=op.f("pk_list_feed")),
        sqlite_with_rowid=False,  # see roost.feeds.tables
    )
    op.create_table(
        "list_feed_marks",
        sa.Column("list_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["lists.id"],
            name=op.f("fk_list_feed_marks_list_id_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("list_id", name=op.f("pk_list_feed_marks")),
    )


def downgrade() -> None:
    op.drop_table("list_feed_marks")
    op.drop_table("list_feed")
