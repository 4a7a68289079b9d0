"""lists: exclusive lists, whose members' posts leave the home feed

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lists", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("exclusive", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("lists", schema=None) as batch_op:
        batch_op.drop_column("exclusive")
