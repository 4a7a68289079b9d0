"""The social graph: follows, follow requests, blocks and mutes; and what people keep about
others: endorsements, private notes, dismissed suggestions and blocked domains."""

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
# Accounts featured on one's profile (Mastodon's account_pins): shown while one follows them.
account_pins = _edge("account_pins")
# A private note about an account, seen only by its writer (Relationship.note).
account_notes = _edge("account_notes", sa.Column("comment", sa.Text, nullable=False))
# Follow suggestions one has dismissed (Mastodon's follow_recommendation_mutes).
suggestion_dismissals = _edge("suggestion_dismissals")
# Domains one has blocked (Mastodon's account_domain_blocks).
account_domain_blocks = sa.Table(
    "account_domain_blocks",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("domain", sa.String(253), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("account_id", "domain", name="uq_account_domain_blocks_pair"),
)
