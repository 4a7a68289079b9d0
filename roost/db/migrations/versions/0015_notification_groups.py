"""notifications: groups for grouped notifications

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in roost.notifications.tables at this revision (a migration keeps its own copy).
_GROUPABLE = ("favourite", "follow", "reblog")
_SPAN_HOURS = 12
_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_key", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_notifications_account_id_group_key_id",
            ["account_id", "group_key", "id"],
            unique=False,
        )
    _backfill()


def _backfill() -> None:
    """Give existing favourite, reblog and follow notifications the group key they would
    have been given when made: oldest first, each joining its recipient's previous group
    of the same kind unless that one began 12 hours or more before it."""
    bind = op.get_bind()
    n = sa.table(
        "notifications",
        sa.column("id", sa.BigInteger),
        sa.column("account_id", sa.BigInteger),
        sa.column("type", sa.String),
        sa.column("status_id", sa.BigInteger),
        sa.column("created_at", sa.DateTime),
        sa.column("group_key", sa.String),
    )
    update = n.update().where(n.c.id == sa.bindparam("nid")).values(group_key=sa.bindparam("key"))
    previous: dict[tuple[int, str], int] = {}
    after = -1
    while True:  # keyset pages, so a large table is never held in memory at once
        rows = bind.execute(
            sa.select(n.c.id, n.c.account_id, n.c.type, n.c.status_id, n.c.created_at)
            .where(n.c.type.in_(_GROUPABLE), n.c.id > after)
            .order_by(n.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        after = rows[-1].id
        keys = []
        for row in rows:
            if row.type != "follow" and row.status_id is None:
                continue
            prefix = "follow" if row.type == "follow" else f"{row.type}-{row.status_id}"
            created: datetime = row.created_at
            bucket = int(created.replace(tzinfo=UTC).timestamp()) // 3600
            last = previous.get((row.account_id, prefix))
            if last is not None and bucket < last + _SPAN_HOURS:
                bucket = last
            previous[(row.account_id, prefix)] = bucket
            keys.append({"nid": row.id, "key": f"{prefix}-{bucket}"})
        if keys:
            bind.execute(update, keys)


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_account_id_group_key_id")
        batch_op.drop_column("group_key")
