"""tags: followed and featured hashtags

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _table(name: str) -> None:
    """followed_tags and featured_tags have the same columns."""
    op.create_table(
        name,
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("tag_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f(f"fk_{name}_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f(f"fk_{name}_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("account_id", "tag_id", name=f"uq_{name}_account_tag"),
    )


def upgrade() -> None:
    _table("followed_tags")
    with op.batch_alter_table("followed_tags", schema=None) as batch_op:
        batch_op.create_index(
            "ix_followed_tags_tag_id_account_id", ["tag_id", "account_id"], unique=False
        )
    _table("featured_tags")


def downgrade() -> None:
    op.drop_table("featured_tags")
    op.drop_table("followed_tags")
