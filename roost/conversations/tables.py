"""Each participant's view of a thread of direct posts (Mastodon's account_conversations)."""

import sqlalchemy as sa

from roost.db.metadata import metadata

account_conversations = sa.Table(
    "account_conversations",
    metadata,
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # The thread's root status id (statuses.conversation_id): the Conversation's id.
    sa.Column("conversation_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("participant_ids", sa.JSON, nullable=False),  # the others, sorted
    sa.Column("last_status_id", sa.BigInteger, nullable=False),
    sa.Column("unread", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_account_conversations_account_id_last_status_id", "account_id", "last_status_id"),
)
