"""notifications: room for Mastodon's longest type name ("severed_relationships")

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 22:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column(
            "type", existing_type=sa.String(length=20), type_=sa.String(length=32)
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column(
            "type", existing_type=sa.String(length=32), type_=sa.String(length=20)
        )
