"""quotes: a status may quote another, with the quote's state and the quoted one's policy

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 16:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("statuses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quote_of_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("quote_state", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("quote_policy", sa.String(length=10), server_default="public", nullable=False)
        )
        batch_op.add_column(
            sa.Column("quotes_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index("ix_statuses_quote_of_id", ["quote_of_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("statuses", schema=None) as batch_op:
        batch_op.drop_index("ix_statuses_quote_of_id")
        batch_op.drop_column("quotes_count")
        batch_op.drop_column("quote_policy")
        batch_op.drop_column("quote_state")
        batch_op.drop_column("quote_of_id")
