"""The social graph: follows, follow requests, blocks and mutes."""

import sqlalchemy as sa

from roost.db.metadata import metadata


def _edge(name: str, *extra: sa.Column[object] | sa.Index) -> sa.Table:
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
            "target_account_id",
            sa.BigInteger,
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        *extra,
        sa.UniqueConstraint("account_id", "target_account_id", name=f"uq_{name}_pair"),
        sa.Index(f"ix_{name}_target_account_id", "target_account_id", "account_id"),
    )


follows = _edge(
    "follows",
    sa.Column("show_reblogs", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("notify", sa.Boolean, nullable=False, server_default=sa.false()),
    # Fan-out walks an account's followers in id order, a batch at a time.
    sa.Index("ix_follows_target_account_id_id", "target_account_id", "id"),
)
follow_requests = _edge(
    "follow_requests",
    sa.Column("show_reblogs", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("notify", sa.Boolean, nullable=False, server_default=sa.false()),
)
blocks = _edge("blocks")
mutes = _edge(
    "mutes",
    sa.Column("hide_notifications", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("expires_at", sa.DateTime, nullable=True),
)
