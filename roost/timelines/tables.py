"""Read markers: where each account stopped reading home and notifications."""

import sqlalchemy as sa

from roost.db.metadata import metadata

markers = sa.Table(
    "markers",
    metadata,
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("timeline", sa.String(20), primary_key=True),  # home | notifications
    sa.Column("last_read_id", sa.BigInteger, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
