"""The SQL feed store's tables: the embedded default's home feeds, and the marks of which
owners have one. Only roost.feeds reads or writes them (an import contract says so)."""

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
