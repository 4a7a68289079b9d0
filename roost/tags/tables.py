"""Followed hashtags (their public posts reach the follower's home feed) and hashtags
featured on a profile."""

import sqlalchemy as sa

from roost.db.metadata import metadata

followed_tags = sa.Table(
    "followed_tags",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),  # paging
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "tag_id", sa.BigInteger, sa.ForeignKey("tags.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("account_id", "tag_id", name="uq_followed_tags_account_tag"),
    # Fan-out finds a post's tags' followers on this index.
    sa.Index("ix_followed_tags_tag_id_account_id", "tag_id", "account_id"),
)

featured_tags = sa.Table(
    "featured_tags",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "tag_id", sa.BigInteger, sa.ForeignKey("tags.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("account_id", "tag_id", name="uq_featured_tags_account_tag"),
)
