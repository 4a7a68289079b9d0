"""account safety: two_factor, recovery_codes, account_deletions

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _account_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["account_id"],
        ["accounts.id"],
        name=op.f(f"fk_{table}_account_id_accounts"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "two_factor",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("enabled_at", sa.DateTime(), nullable=True),
        sa.Column("last_step", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _account_fk("two_factor"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_two_factor")),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        _account_fk("recovery_codes"),
        sa.PrimaryKeyConstraint("account_id", "code_hash", name=op.f("pk_recovery_codes")),
    )
    op.create_table(
        "account_deletions",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("delete_after", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        _account_fk("account_deletions"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_deletions")),
    )
    op.create_index(
        op.f("ix_account_deletions_delete_after"), "account_deletions", ["delete_after"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_account_deletions_delete_after"), table_name="account_deletions")
    op.drop_table("account_deletions")
    op.drop_table("recovery_codes")
    op.drop_table("two_factor")
