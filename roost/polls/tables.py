"""A poll hangs off one status; each option keeps its count and each voter one ballot."""

import sqlalchemy as sa

from roost.db.metadata import metadata

polls = sa.Table(
    "polls",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "status_id",
        sa.BigInteger,
        sa.ForeignKey("statuses.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("multiple", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("hide_totals", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    # Counters kept by each vote in its transaction (atomic increments: exact however
    # many vote at once).
    sa.Column("votes_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("voters_count", sa.Integer, nullable=False, server_default="0"),
    # Set by the job that closes the poll at its deadline (and notifies its voters).
    sa.Column("closed_at", sa.DateTime, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

poll_options = sa.Table(
    "poll_options",
    metadata,
    sa.Column(
        "poll_id", sa.BigInteger, sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("votes_count", sa.Integer, nullable=False, server_default="0"),
)

# One ballot per account and poll (the unique key is what refuses a second vote, even
# one sent at the same moment); `choices` are option positions.
poll_votes = sa.Table(
    "poll_votes",
    metadata,
    sa.Column(
        "poll_id", sa.BigInteger, sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("choices", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_poll_votes_account_id", "account_id"),
)
