"""notifications: a policy per account, and requests from filtered senders

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DEFAULTS = {
    "for_not_following": "accept",
    "for_not_followers": "accept",
    "for_new_accounts": "accept",
    "for_private_mentions": "filter",
    "for_limited_accounts": "filter",
}


def _account(name: str, *, key: bool = False) -> sa.Column[int]:
    """A reference to an account: part of the primary key (`key`) or a plain column."""
    return sa.Column(
        name,
        sa.BigInteger(),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=key,
        autoincrement=False if key else "auto",
        nullable=False,
    )


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("filtered", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "notification_policies",
        _account("account_id", key=True),
        *(
            sa.Column(name, sa.String(6), server_default=default, nullable=False)
            for name, default in _DEFAULTS.items()
        ),
    )
    op.create_table(
        "notification_requests",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        _account("account_id"),
        _account("from_account_id"),
        sa.Column(
            "last_status_id",
            sa.BigInteger(),
            sa.ForeignKey("statuses.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("notifications_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("account_id", "from_account_id", name="uq_notification_requests_pair"),
    )
    op.create_index(
        "ix_notification_requests_account_id_id", "notification_requests", ["account_id", "id"]
    )
    op.create_table(
        "notification_permissions",
        _account("account_id", key=True),
        _account("from_account_id", key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notification_permissions")
    op.drop_index("ix_notification_requests_account_id_id", table_name="notification_requests")
    op.drop_table("notification_requests")
    op.drop_table("notification_policies")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("filtered")
