"""Home feeds in SQL: the embedded feed store, and the source a lost Redis feed is rebuilt from."""

import sqlalchemy as sa

from roost.db.metadata import metadata

home_feed = sa.Table(
    "home_feed",
    metadata,
    sa.Column(
        "owner_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "status_id",
        sa.BigInteger,
        sa.ForeignKey("statuses.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # Who put it there (the author, or the reblogger): unfollow removes by this.
    sa.Column("author_id", sa.BigInteger, nullable=False),
    sa.Index("ix_home_feed_owner_id_author_id", "owner_id", "author_id"),
)

# Which owners have a home feed in the SQL store (the "present" of feeds.FeedStore).
home_feed_marks = sa.Table(
    "home_feed_marks",
    metadata,
    sa.Column(
        "owner_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
)

markers = sa.Table(
    "markers",
    metadata,
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("timeline", sa.String(20), primary_key=True),  # home | notifications
    sa.Column("last_read_id", sa.BigInteger, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
