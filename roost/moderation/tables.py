"""The instance's rules, reports, and the audit log of what staff did."""

import sqlalchemy as sa

from roost.db.metadata import metadata

rules = sa.Table(
    "rules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("text", sa.String(300), nullable=False),
    sa.Column("hint", sa.Text, nullable=False, server_default=""),
    sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # Removed rules stay (as Mastodon's), so reports that cite them still show them.
    sa.Column("deleted_at", sa.DateTime, nullable=True),
)

reports = sa.Table(
    "reports",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(  # who reported
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "target_account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("status_ids", sa.JSON, nullable=False),  # [int], the target's posts
    sa.Column("rule_ids", sa.JSON, nullable=False),  # [int], for category "violation"
    sa.Column("category", sa.String(16), nullable=False),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("forwarded", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column(
        "assigned_account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column(
        "action_taken_by_account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("action_taken_at", sa.DateTime, nullable=True),  # NULL: unresolved
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index("ix_reports_target_account_id", "target_account_id"),
    sa.Index("ix_reports_account_id", "account_id"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),  # time-sortable
    sa.Column(  # the staff member who acted (NULL once their account is gone)
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("action", sa.String(64), nullable=False),  # e.g. resolve_report
    sa.Column("target_type", sa.String(32), nullable=False),  # e.g. Report, Account
    sa.Column("target_id", sa.BigInteger, nullable=False),
    sa.Column("summary", sa.Text, nullable=False, server_default=""),  # the reason given
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_audit_log_target", "target_type", "target_id"),
)

# Mastodon's AccountWarning: what a moderator did to an account, and why, as the account
# is told (the `moderation_warning` notification).
WARNING_ACTIONS = (
    "none", "disable", "mark_statuses_as_sensitive", "delete_statuses", "sensitive",
    "silence", "suspend",
)  # fmt: skip
account_warnings = sa.Table(
    "account_warnings",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(  # the staff member who acted (NULL: the operator, or their account is gone)
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column(
        "target_account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("action", sa.String(32), nullable=False),  # one of WARNING_ACTIONS
    sa.Column("text", sa.Text, nullable=False, server_default=""),
    sa.Column(
        "report_id",
        sa.BigInteger,
        sa.ForeignKey("reports.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("status_ids", sa.JSON, nullable=False),  # [int]
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_account_warnings_target_account_id", "target_account_id"),
)
