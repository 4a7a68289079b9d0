"""Notifications: one row per event a person is told about."""

import sqlalchemy as sa

from roost.db.metadata import metadata

NOTIFICATION_TYPES = (
    "mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
    "quote", "quoted_update",
)  # fmt: skip

notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "from_account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column(
        "status_id",
        sa.BigInteger,
        sa.ForeignKey("statuses.id", ondelete="CASCADE"),
        nullable=True,
    ),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # Same event twice (a retried job, a double click) is one notification.
    sa.UniqueConstraint(
        "account_id", "type", "from_account_id", "status_id", name="uq_notifications_event"
    ),
    sa.Index("ix_notifications_account_id_id", "account_id", "id"),
)
