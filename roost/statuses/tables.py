"""Statuses and what hangs off them: mentions, tags, favourites, bookmarks, pins."""

import sqlalchemy as sa

from roost.db.metadata import metadata

statuses = sa.Table(
    "statuses",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("text", sa.Text, nullable=False, server_default=""),  # as typed
    sa.Column("content", sa.Text, nullable=False, server_default=""),  # rendered HTML
    sa.Column("spoiler_text", sa.Text, nullable=False, server_default=""),
    sa.Column("visibility", sa.String(10), nullable=False),
    sa.Column("sensitive", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("language", sa.String(8), nullable=True),
    # No foreign keys on the reply links: a reply outlives its deleted parent.
    sa.Column("in_reply_to_id", sa.BigInteger, nullable=True),
    sa.Column("in_reply_to_account_id", sa.BigInteger, nullable=True),
    sa.Column(
        "reblog_of_id",
        sa.BigInteger,
        sa.ForeignKey("statuses.id", ondelete="CASCADE"),
        nullable=True,
    ),
    sa.Column("conversation_id", sa.BigInteger, nullable=True),  # the thread's root
    sa.Column("app_id", sa.BigInteger, nullable=True),
    # The status's poll (roost.polls), if it has one: rendering reads polls only then.
    sa.Column("poll_id", sa.BigInteger, nullable=True),
    # A quote post: the status it quotes (no foreign key: the quote outlives it) and the
    # quote's state (accepted; revoked by the quoted author; deleted with the quoted post).
    sa.Column("quote_of_id", sa.BigInteger, nullable=True),
    sa.Column("quote_state", sa.String(16), nullable=True),
    # Who may quote this status: public, followers or nobody (its author always may).
    sa.Column("quote_policy", sa.String(10), nullable=False, server_default="public"),
    sa.Column("quotes_count", sa.Integer, nullable=False, server_default="0"),
    # How many media attachments it has: the renderer asks for media only when some do,
    # and `only_media` filters on it.
    sa.Column("media_count", sa.SmallInteger, nullable=False, server_default="0"),
    # The link preview card of its first link (roost.cards), set by the job that fetches it.
    sa.Column("card_id", sa.BigInteger, nullable=True),
    sa.Column("replies_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reblogs_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("favourites_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("edited_at", sa.DateTime, nullable=True),
    sa.Index("ix_statuses_account_id_id", "account_id", "id"),
    sa.Index("ix_statuses_in_reply_to_id", "in_reply_to_id"),
    sa.Index("ix_statuses_reblog_of_id_account_id", "reblog_of_id", "account_id"),
    sa.Index("ix_statuses_conversation_id", "conversation_id"),
    sa.Index("ix_statuses_visibility_id", "visibility", "id"),
    sa.Index("ix_statuses_quote_of_id", "quote_of_id"),
)

mentions = sa.Table(
    "mentions",
    metadata,
    sa.Column(
        "status_id",
        sa.BigInteger,
        sa.ForeignKey("statuses.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Index("ix_mentions_account_id_status_id", "account_id", "status_id"),
)

tags = sa.Table(
    "tags",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),  # as first used
    sa.Column("name_lower", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

status_tags = sa.Table(
    "status_tags",
    metadata,
    sa.Column(
        "tag_id", sa.BigInteger, sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "status_id",
        sa.BigInteger,
        sa.ForeignKey("statuses.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # Rendering looks tags up by status (the primary key starts with the tag).
    sa.Index("ix_status_tags_status_id", "status_id"),
)


def _interaction(name: str) -> sa.Table:
    """favourites / bookmarks / pins: one row per (account, status), id for paging."""
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column(
            "account_id",
            sa.BigInteger,
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "status_id",
            sa.BigInteger,
            sa.ForeignKey("statuses.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("account_id", "status_id", name=f"uq_{name}_account_status"),
        sa.Index(f"ix_{name}_status_id", "status_id"),
    )


favourites = _interaction("favourites")
bookmarks = _interaction("bookmarks")
pins = _interaction("pins")

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("status_id", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# The versions of an edited status, oldest first: the first edit records the original too,
# so a status's history is all of its rows (Mastodon's StatusEdit).
status_edits = sa.Table(
    "status_edits",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "status_id",
        sa.BigInteger,
        sa.ForeignKey("statuses.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("spoiler_text", sa.Text, nullable=False, server_default=""),
    sa.Column("sensitive", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("poll_options", sa.JSON, nullable=True),  # the poll's option titles, if any
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_status_edits_status_id_id", "status_id", "id"),
)

# Threads an account muted (POST /api/v1/statuses/:id/mute): no notifications from them.
conversation_mutes = sa.Table(
    "conversation_mutes",
    metadata,
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("conversation_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
