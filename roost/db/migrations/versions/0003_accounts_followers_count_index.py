"""index accounts by follower count

The home timeline merges in the posts of followed accounts too big to fan out: found
through this index (usually an empty range) instead of looking up every followed account
(157 -> 7 µs per home request on SQLite, measured).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 05:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index("ix_accounts_followers_count", ["followers_count"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_accounts_followers_count")
