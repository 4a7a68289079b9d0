"""instance blocks: email domain, canonical email and IP blocks, domain blocks and allows,
and the address each user signed up from

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-05 23:50:00
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False)


def _created() -> sa.Column[datetime]:
    return sa.Column("created_at", sa.DateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "email_domain_blocks",
        _id(),
        sa.Column("domain", sa.String(255), nullable=False, unique=True),
        sa.Column("allow_with_approval", sa.Boolean(), nullable=False, server_default=sa.false()),
        _created(),
    )
    op.create_table(
        "canonical_email_blocks",
        _id(),
        sa.Column("canonical_email_hash", sa.String(64), nullable=False, unique=True),
        _created(),
    )
    op.create_table(
        "ip_blocks",
        _id(),
        sa.Column("ip", sa.String(49), nullable=False),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False, server_default=""),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        _created(),
    )
    op.create_table(
        "domain_blocks",
        _id(),
        sa.Column("domain", sa.String(255), nullable=False, unique=True),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("reject_media", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("reject_reports", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("private_comment", sa.Text(), nullable=True),
        sa.Column("public_comment", sa.Text(), nullable=True),
        sa.Column("obfuscate", sa.Boolean(), nullable=False, server_default=sa.false()),
        _created(),
    )
    op.create_table(
        "domain_allows",
        _id(),
        sa.Column("domain", sa.String(255), nullable=False, unique=True),
        _created(),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sign_up_ip", sa.String(45), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("sign_up_ip")
    for table in (
        "domain_allows",
        "domain_blocks",
        "ip_blocks",
        "canonical_email_blocks",
        "email_domain_blocks",
    ):
        op.drop_table(table)
