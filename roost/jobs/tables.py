"""The job table: background work, enqueued in the same transaction as its cause."""

import sqlalchemy as sa

from roost.db.metadata import metadata

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(50), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    # queued → running → (deleted on success) | queued again with backoff | dead
    sa.Column("state", sa.String(10), nullable=False, server_default="queued"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("run_at", sa.DateTime, nullable=False),
    # A running job whose lease ran out (its worker died) is claimed again.
    sa.Column("locked_until", sa.DateTime, nullable=True),
    sa.Column("locked_by", sa.String(100), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_jobs_state_run_at", "state", "run_at"),
)
