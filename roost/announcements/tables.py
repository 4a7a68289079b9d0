"""Announcements, their reactions, and who dismissed which."""

import sqlalchemy as sa

from roost.db.metadata import metadata

announcements = sa.Table(
    "announcements",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("text", sa.Text, nullable=False),  # as typed
    sa.Column("content", sa.Text, nullable=False),  # rendered HTML, links and all
    # What the text mentions and tags, resolved when it was written:
    # [{"id", "username", "url", "acct"}] and [{"name", "url"}].
    sa.Column("mentions", sa.JSON, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("published", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("published_at", sa.DateTime, nullable=True),
    sa.Column("all_day", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("starts_at", sa.DateTime, nullable=True),
    sa.Column("ends_at", sa.DateTime, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

announcement_reactions = sa.Table(
    "announcement_reactions",
    metadata,
    sa.Column(
        "announcement_id",
        sa.BigInteger,
        sa.ForeignKey("announcements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("name", sa.String(100), primary_key=True),  # a unicode emoji or a shortcode
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# Mastodon's announcement_mutes: an announcement the account has read and put away.
announcement_dismissals = sa.Table(
    "announcement_dismissals",
    metadata,
    sa.Column(
        "announcement_id",
        sa.BigInteger,
        sa.ForeignKey("announcements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
