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
    # Mastodon's group key ("favourite-{status id}-{hour bucket}", "follow-{hour bucket}"),
    # set when a groupable notification is made (notifications.actions.group_key_for);
    # None for the types never grouped.
    sa.Column("group_key", sa.String(64), nullable=True),
    # Same event twice (a retried job, a double click) is one notification.
    sa.UniqueConstraint(
        "account_id", "type", "from_account_id", "status_id", name="uq_notifications_event"
    ),
    sa.Index("ix_notifications_account_id_id", "account_id", "id"),
    sa.Index("ix_notifications_account_id_group_key_id", "account_id", "group_key", "id"),
)

# Types whose notifications are grouped (Mastodon's GROUPABLE_NOTIFICATION_TYPES), and how
# long one group may keep taking new notifications (MAXIMUM_GROUP_SPAN_HOURS).
GROUPABLE_TYPES = ("favourite", "follow", "reblog")
MAXIMUM_GROUP_SPAN_HOURS = 12
