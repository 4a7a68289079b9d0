"""notification_groups: each group's count, newest and oldest notification, and an index
of the notifications no group takes

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_groups",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("group_key", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=True),
        sa.Column("notifications_count", sa.Integer(), nullable=False),
        sa.Column("latest_id", sa.BigInteger(), nullable=False),
        sa.Column("first_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["status_id"], ["statuses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "group_key"),
    )
    op.create_index(
        "ix_notification_groups_account_id_latest_id",
        "notification_groups",
        ["account_id", "latest_id"],
    )
    op.create_index(
        "ix_notifications_ungrouped",
        "notifications",
        ["account_id", "id"],
        sqlite_where=sa.text("group_key IS NULL"),
        postgresql_where=sa.text("group_key IS NULL"),
    )
    # The groups there are already: the visible (not filtered) grouped notifications.
    op.execute(
        "INSERT INTO notification_groups (account_id, group_key, type, status_id,"
        " notifications_count, latest_id, first_id)"
        " SELECT account_id, group_key, MIN(type), MIN(status_id), COUNT(*), MAX(id), MIN(id)"
        " FROM notifications WHERE group_key IS NOT NULL AND filtered = false"
        " GROUP BY account_id, group_key"
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_ungrouped", table_name="notifications")
    op.drop_index("ix_notification_groups_account_id_latest_id", table_name="notification_groups")
    op.drop_table("notification_groups")
