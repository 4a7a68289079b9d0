"""A post waiting for its time: the parameters it was sent with, as Mastodon keeps them."""

import sqlalchemy as sa

from roost.db.metadata import metadata

scheduled_statuses = sa.Table(
    "scheduled_statuses",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("scheduled_at", sa.DateTime, nullable=False),
    # ScheduledStatus.params as the API shows them (text, poll, visibility...).
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # One's list, and the per-day limit's count.
    sa.Index("ix_scheduled_statuses_account_id", "account_id", "scheduled_at"),
)
