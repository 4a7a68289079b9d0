"""cards: link preview cards, one per URL, and the card of each status

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "preview_cards",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=300), server_default="", nullable=False),
        sa.Column("description", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("author_name", sa.String(length=300), server_default="", nullable=False),
        sa.Column("author_url", sa.String(length=2000), server_default="", nullable=False),
        sa.Column("provider_name", sa.String(length=300), server_default="", nullable=False),
        sa.Column("provider_url", sa.String(length=2000), server_default="", nullable=False),
        sa.Column("html", sa.Text(), server_default="", nullable=False),
        sa.Column("width", sa.Integer(), server_default="0", nullable=False),
        sa.Column("height", sa.Integer(), server_default="0", nullable=False),
        sa.Column("embed_url", sa.String(length=2000), server_default="", nullable=False),
        sa.Column("image_key", sa.String(length=300), nullable=True),
        sa.Column("image_description", sa.String(length=1500), server_default="", nullable=False),
        sa.Column("blurhash", sa.String(length=100), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )
    with op.batch_alter_table("statuses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("card_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("statuses", schema=None) as batch_op:
        batch_op.drop_column("card_id")
    op.drop_table("preview_cards")
