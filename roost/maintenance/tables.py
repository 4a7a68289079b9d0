"""Instance-wide switches an operator sets, shared by every process through the database."""

import sqlalchemy as sa

from roost.db.metadata import metadata

instance_flags = sa.Table(
    "instance_flags",
    metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
