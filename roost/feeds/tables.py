"""The SQL feed store's tables: the embedded default's home feeds and list feeds, and the
marks of which feeds are present. Only roost.feeds reads or writes them (an import
contract says so)."""

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
    # A deleted post's entries (its foreign key's cascade), found without reading them all.
    sa.Index("ix_home_feed_status_id", "status_id"),
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

# A list's feed: its own table, not rows of home_feed keyed by list id, so that each
# owner column keeps its foreign key (a deleted list or account takes its feed along) and
# home's statements and indexes stay as they were. On SQLite it is a WITHOUT ROWID table
# (one b-tree, its primary key) with no author index, as every entry is written on the
# posting path and read back only by (list, status): a push into 60 list feeds cost 1.6 ms
# of CPU in a rowid table with the author index, 0.9 ms without (measured). Removing a
# member's entries walks the list's ~800 entries instead.
list_feed = sa.Table(
    "list_feed",
    metadata,
    sa.Column(
        "list_id",
        sa.BigInteger,
        sa.ForeignKey("lists.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "status_id",
        sa.BigInteger,
        sa.ForeignKey("statuses.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # The member who put it there (the author, or the reblogger): removing them removes it.
    sa.Column("author_id", sa.BigInteger, nullable=False),
    sa.Index("ix_list_feed_status_id", "status_id"),  # as home_feed's
    sqlite_with_rowid=False,
)

list_feed_marks = sa.Table(
    "list_feed_marks",
    metadata,
    sa.Column(
        "list_id",
        sa.BigInteger,
        sa.ForeignKey("lists.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
)
