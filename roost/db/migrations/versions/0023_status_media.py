"""media: a status's attachment count, and media held by a scheduled post

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("statuses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("media_count", sa.SmallInteger(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("media_attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheduled_status_id", sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(
            "fk_media_attachments_scheduled_status_id",
            "scheduled_statuses",
            ["scheduled_status_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_media_attachments_scheduled_status_id", ["scheduled_status_id"])


def downgrade() -> None:
    with op.batch_alter_table("media_attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_media_attachments_scheduled_status_id")
        batch_op.drop_constraint("fk_media_attachments_scheduled_status_id", type_="foreignkey")
        batch_op.drop_column("scheduled_status_id")
    with op.batch_alter_table("statuses", schema=None) as batch_op:
        batch_op.drop_column("media_count")
