"""users: a staff role (owner, admin, moderator) per user; admins become "admin"

`users.admin` stays, kept in step with the role (true for owner and admin), so that a
process still running the previous release reads what it read before.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), nullable=True))
    op.execute("UPDATE users SET role = 'admin' WHERE admin = true")


def downgrade() -> None:
    op.execute("UPDATE users SET admin = true WHERE role IN ('owner', 'admin')")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("role")
