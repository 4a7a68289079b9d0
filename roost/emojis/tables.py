"""Custom emojis (`:shortcode:`), added by the operator with `roost emoji add`."""

import sqlalchemy as sa

from roost.db.metadata import metadata

custom_emojis = sa.Table(
    "custom_emojis",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("shortcode", sa.String(64), nullable=False, unique=True),
    sa.Column("url", sa.String(1000), nullable=False),
    sa.Column("static_url", sa.String(1000), nullable=False),
    sa.Column("category", sa.String(64), nullable=True),
    sa.Column("visible_in_picker", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
