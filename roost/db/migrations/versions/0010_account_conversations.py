"""account_conversations: each participant's view of a thread of direct posts

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_conversations",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("conversation_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("participant_ids", sa.JSON(), nullable=False),
        sa.Column("last_status_id", sa.BigInteger(), nullable=False),
        sa.Column("unread", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_conversations_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "account_id", "conversation_id", name=op.f("pk_account_conversations")
        ),
    )
    with op.batch_alter_table("account_conversations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_account_conversations_account_id_last_status_id",
            ["account_id", "last_status_id"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("account_conversations")
