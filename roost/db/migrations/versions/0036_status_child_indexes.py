"""statuses: index every table whose rows a deleted post takes along

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 00:00:00

Deleting a post cascades to the rows that name it. Five tables had no index leading with
that column (home_feed and list_feed, whose keys lead with their owner; notifications,
notification_groups and notification_requests), so each delete read all of each: on
SQLite under its one write lock. Each index's new entries land at its right edge (post
ids grow), which costs a fan-out insert little (measured in docs/benchmarks.md's POST).
Building them takes a few seconds per million rows; `docs/operations.md` says when to use
maintenance mode.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_home_feed_status_id", "home_feed", "status_id"),
    ("ix_list_feed_status_id", "list_feed", "status_id"),
    ("ix_notifications_status_id", "notifications", "status_id"),
    ("ix_notification_groups_status_id", "notification_groups", "status_id"),
    ("ix_notification_requests_last_status_id", "notification_requests", "last_status_id"),
]


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
