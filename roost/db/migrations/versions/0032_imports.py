"""portability: CSV imports and archives of one's posts, with their progress

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owner() -> sa.Column[int]:
    return sa.Column(
        "account_id",
        sa.BigInteger(),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        _owner(),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("overwrite", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False, server_default=""),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("total_items", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("processed_items", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("imported_items", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("failures", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_imports_account_id_id", "imports", ["account_id", "id"])
    op.create_table(
        "archives",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        _owner(),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("total_items", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("processed_items", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("size", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("parts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("file_key", sa.String(100), nullable=True),
        sa.Column("error", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_archives_account_id_id", "archives", ["account_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_archives_account_id_id", table_name="archives")
    op.drop_table("archives")
    op.drop_index("ix_imports_account_id_id", table_name="imports")
    op.drop_table("imports")
