"""What operating an instance keeps in the database: when each scheduled task last ran."""

import sqlalchemy as sa

from roost.db.metadata import metadata

# One row per scheduled task (`backup`). A process claims a run by moving `last_started_at`
# from the value it read (a compare-and-swap: of several processes, one wins) and holds it
# while `lease_until` is in the future, extending it as it goes.
schedules = sa.Table(
    "schedules",
    metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("last_started_at", sa.DateTime, nullable=True),
    sa.Column("last_finished_at", sa.DateTime, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("lease_until", sa.DateTime, nullable=True),
)
