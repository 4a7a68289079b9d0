"""The texts an instance's admins write about it."""

import sqlalchemy as sa

from roost.db.metadata import metadata

# One row per text: `extended_description`, `privacy_policy` (Markdown as typed).
instance_texts = sa.Table(
    "instance_texts",
    metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

# Terms of service, one version per date it takes effect (Mastodon keeps each version, so
# that people can read the terms they agreed to, at /terms_of_service/:date).
terms_of_service = sa.Table(
    "terms_of_service",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("effective_date", sa.Date, nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
