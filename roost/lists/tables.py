"""Lists and their members."""

import sqlalchemy as sa

from roost.db.metadata import metadata

lists = sa.Table(
    "lists",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("title", sa.String(256), nullable=False),
    # Which replies the list shows: to anyone followed, to list members, or none.
    sa.Column("replies_policy", sa.String(10), nullable=False, server_default="list"),
    # Members' posts leave the owner's home feed (they are read in the list instead).
    sa.Column("exclusive", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_lists_account_id", "account_id"),
)

list_accounts = sa.Table(
    "list_accounts",
    metadata,
    sa.Column(
        "list_id", sa.BigInteger, sa.ForeignKey("lists.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Index("ix_list_accounts_account_id", "account_id"),
)
