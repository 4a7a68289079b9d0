"""instance flags (read-only maintenance mode)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "instance_flags",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_instance_flags")),
    )


def downgrade() -> None:
    op.drop_table("instance_flags")
