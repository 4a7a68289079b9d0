"""media: uploaded pictures, video and audio

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Profile images: the first frame of an animated one, and alt text.
    op.add_column("accounts", sa.Column("avatar_static", sa.String(length=500), nullable=True))
    op.add_column("accounts", sa.Column("header_static", sa.String(length=500), nullable=True))
    for kind in ("avatar", "header"):
        op.add_column(
            "accounts",
            sa.Column(
                f"{kind}_description", sa.String(length=150), server_default="", nullable=False
            ),
        )
    op.create_table(
        "media_attachments",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=True),
        sa.Column("position", sa.SmallInteger(), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("upload_key", sa.String(length=300), nullable=True),
        sa.Column("file_key", sa.String(length=300), nullable=True),
        sa.Column("preview_key", sa.String(length=300), nullable=True),
        sa.Column("file_size", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("meta", sa.JSON(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("blurhash", sa.String(length=100), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["status_id"], ["statuses.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_media_attachments_status_id", "media_attachments", ["status_id", "position"]
    )
    op.create_index(
        "ix_media_attachments_account_id", "media_attachments", ["account_id", "created_at"]
    )
    op.create_index(
        "ix_media_attachments_unattached",
        "media_attachments",
        ["created_at"],
        sqlite_where=sa.text("status_id IS NULL"),
        postgresql_where=sa.text("status_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("media_attachments")
    with op.batch_alter_table("accounts") as batch:
        for column in ("header_description", "avatar_description", "header_static",
                       "avatar_static"):  # fmt: skip
            batch.drop_column(column)
