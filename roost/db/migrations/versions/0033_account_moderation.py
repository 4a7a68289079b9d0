"""account moderation: silenced, sensitized and disabled accounts, and account warnings

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-05 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _account(name: str, ondelete: str, *, nullable: bool) -> sa.Column[int]:
    return sa.Column(
        name,
        sa.BigInteger(),
        sa.ForeignKey("accounts.id", ondelete=ondelete),
        nullable=nullable,
    )


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("silenced_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("sensitized_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "account_warnings",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        _account("account_id", "SET NULL", nullable=True),
        _account("target_account_id", "CASCADE", nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False, server_default=""),
        sa.Column(
            "report_id",
            sa.BigInteger(),
            sa.ForeignKey("reports.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("status_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "ix_account_warnings_target_account_id", "account_warnings", ["target_account_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_account_warnings_target_account_id", table_name="account_warnings")
    op.drop_table("account_warnings")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("disabled")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("sensitized_at")
        batch_op.drop_column("silenced_at")
