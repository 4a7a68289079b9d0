"""One card per URL, shared by every post that links to it (`statuses.card_id`)."""

import sqlalchemy as sa

from roost.db.metadata import metadata

preview_cards = sa.Table(
    "preview_cards",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("url", sa.String(2000), nullable=False, unique=True),  # as linked
    sa.Column("type", sa.String(10), nullable=False),  # link, photo, video, rich
    sa.Column("title", sa.String(300), nullable=False, server_default=""),
    sa.Column("description", sa.String(1000), nullable=False, server_default=""),
    sa.Column("language", sa.String(8), nullable=True),
    sa.Column("author_name", sa.String(300), nullable=False, server_default=""),
    sa.Column("author_url", sa.String(2000), nullable=False, server_default=""),
    sa.Column("provider_name", sa.String(300), nullable=False, server_default=""),
    sa.Column("provider_url", sa.String(2000), nullable=False, server_default=""),
    sa.Column("html", sa.Text, nullable=False, server_default=""),  # an oEmbed iframe only
    sa.Column("width", sa.Integer, nullable=False, server_default="0"),
    sa.Column("height", sa.Integer, nullable=False, server_default="0"),
    sa.Column("embed_url", sa.String(2000), nullable=False, server_default=""),
    # The picture, stored as media (a key in the instance's media storage).
    sa.Column("image_key", sa.String(300), nullable=True),
    sa.Column("image_description", sa.String(1500), nullable=False, server_default=""),
    sa.Column("blurhash", sa.String(100), nullable=True),
    sa.Column("published_at", sa.DateTime, nullable=True),
    sa.Column("fetched_at", sa.DateTime, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
