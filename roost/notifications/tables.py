"""Notifications: one row per event a person is told about."""

import sqlalchemy as sa

from roost.db.metadata import metadata

# Every type Mastodon 4.5 has, so that clients may filter on any (`types[]`,
# `exclude_types[]`); the last four are made once moderation exists (issue 17).
NOTIFICATION_TYPES = (
    "mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
    "quote", "quoted_update", "admin.sign_up", "admin.report", "severed_relationships",
    "moderation_warning",
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
    sa.Column("type", sa.String(32), nullable=False),  # "severed_relationships" is 21
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
    # Held back by the recipient's notification policy: out of their lists and counts
    # until they accept the sender's request (Mastodon's `filtered`).
    sa.Column("filtered", sa.Boolean, nullable=False, server_default=sa.false()),
    # Same event twice (a retried job, a double click) is one notification.
    sa.UniqueConstraint(
        "account_id", "type", "from_account_id", "status_id", name="uq_notifications_event"
    ),
    sa.Index("ix_notifications_account_id_id", "account_id", "id"),
    sa.Index("ix_notifications_account_id_group_key_id", "account_id", "group_key", "id"),
    sa.Index("ix_notifications_status_id", "status_id"),  # a deleted post's notifications
    # The notifications no group takes (mentions, polls...), for a page of groups to find
    # among its own rows without stepping over the thousands a viral post's group holds.
    sa.Index(
        "ix_notifications_ungrouped",
        "account_id",
        "id",
        sqlite_where=sa.text("group_key IS NULL"),
        postgresql_where=sa.text("group_key IS NULL"),
    ),
)

# One row per group of notifications that a client sees (not `filtered`): how many it
# holds and its newest and oldest, kept by every write that adds, removes, files or lets
# in grouped notifications (notifications.group_counts), so that a page of groups reads a
# row per group however many notifications it holds (a post 10,000 people liked).
notification_groups = sa.Table(
    "notification_groups",
    metadata,
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("group_key", sa.String(64), primary_key=True),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column(
        "status_id",
        sa.BigInteger,
        sa.ForeignKey("statuses.id", ondelete="CASCADE"),
        nullable=True,
    ),
    sa.Column("notifications_count", sa.Integer, nullable=False),
    sa.Column("latest_id", sa.BigInteger, nullable=False),
    sa.Column("first_id", sa.BigInteger, nullable=False),
    sa.Index("ix_notification_groups_account_id_latest_id", "account_id", "latest_id"),
    sa.Index("ix_notification_groups_status_id", "status_id"),  # a deleted post's groups
)

# Types whose notifications are grouped (Mastodon's GROUPABLE_NOTIFICATION_TYPES), and how
# long one group may keep taking new notifications (MAXIMUM_GROUP_SPAN_HOURS).
GROUPABLE_TYPES = ("favourite", "follow", "reblog")
MAXIMUM_GROUP_SPAN_HOURS = 12

# What a notification policy does with each kind of sender (Mastodon's values).
POLICY_VALUES = ("accept", "filter", "drop")
POLICY_FIELDS = (
    "for_not_following", "for_not_followers", "for_new_accounts", "for_private_mentions",
    "for_limited_accounts",
)  # fmt: skip
# Mastodon's defaults: a stranger's private mention waits in a request, all else is let in.
POLICY_DEFAULTS = {
    "for_not_following": "accept",
    "for_not_followers": "accept",
    "for_new_accounts": "accept",
    "for_private_mentions": "filter",
    "for_limited_accounts": "filter",
}


def _policy(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.String(6), nullable=False, server_default=POLICY_DEFAULTS[name])


# One row per account that changed its policy; none means the defaults.
notification_policies = sa.Table(
    "notification_policies",
    metadata,
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    *(_policy(name) for name in POLICY_FIELDS),
)

# The filtered mentions from one sender, waiting to be accepted or dismissed.
notification_requests = sa.Table(
    "notification_requests",
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
    sa.Column(
        "last_status_id",
        sa.BigInteger,
        sa.ForeignKey("statuses.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("notifications_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("account_id", "from_account_id", name="uq_notification_requests_pair"),
    sa.Index("ix_notification_requests_account_id_id", "account_id", "id"),
    sa.Index("ix_notification_requests_last_status_id", "last_status_id"),
)

# Senders whose request was accepted: their notifications are never filtered again.
notification_permissions = sa.Table(
    "notification_permissions",
    metadata,
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column(
        "from_account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
