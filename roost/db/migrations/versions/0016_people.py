"""graph: endorsements, private notes, dismissed suggestions and blocked domains

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EDGES = ("account_pins", "account_notes", "suggestion_dismissals")


def _edge(name: str, *extra: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        *extra,
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f(f"fk_{name}_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_account_id"],
            ["accounts.id"],
            name=op.f(f"fk_{name}_target_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("account_id", "target_account_id", name=f"uq_{name}_pair"),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(
            f"ix_{name}_target_account_id", ["target_account_id", "account_id"], unique=False
        )


def upgrade() -> None:
    _edge("account_pins")
    _edge("account_notes", sa.Column("comment", sa.Text(), nullable=False))
    _edge("suggestion_dismissals")
    op.create_table(
        "account_domain_blocks",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_domain_blocks_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_domain_blocks")),
        sa.UniqueConstraint("account_id", "domain", name="uq_account_domain_blocks_pair"),
    )


def downgrade() -> None:
    op.drop_table("account_domain_blocks")
    for name in reversed(EDGES):
        op.drop_table(name)
