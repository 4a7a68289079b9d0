"""Filters, their keywords and their statuses (Mastodon's custom_filters and children)."""

import sqlalchemy as sa

from roost.db.metadata import metadata

filters = sa.Table(
    "filters",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("title", sa.String(256), nullable=False),
    # Where it applies: some of home, notifications, public, thread, account, comma-joined.
    sa.Column("context", sa.String(64), nullable=False),
    sa.Column("action", sa.String(10), nullable=False, server_default="warn"),  # warn hide blur
    sa.Column("expires_at", sa.DateTime, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_filters_account_id", "account_id"),
)

filter_keywords = sa.Table(
    "filter_keywords",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "filter_id", sa.BigInteger, sa.ForeignKey("filters.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("keyword", sa.String(512), nullable=False),
    sa.Column("whole_word", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Index("ix_filter_keywords_filter_id", "filter_id"),
)

filter_statuses = sa.Table(
    "filter_statuses",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "filter_id", sa.BigInteger, sa.ForeignKey("filters.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "status_id",
        sa.BigInteger,
        sa.ForeignKey("statuses.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.UniqueConstraint("filter_id", "status_id"),
    # For the cascade when a status is deleted.
    sa.Index("ix_filter_statuses_status_id", "status_id"),
)
