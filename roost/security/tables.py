"""Two-factor secrets, recovery codes, and accounts waiting to be deleted."""

import sqlalchemy as sa

from roost.db.metadata import metadata

two_factor = sa.Table(
    "two_factor",
    metadata,
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("secret", sa.String(64), nullable=False),  # base32 TOTP secret
    # NULL while being set up: it counts only once a code from it has been confirmed.
    sa.Column("enabled_at", sa.DateTime, nullable=True),
    # The last 30-second step a code was accepted for: a code is never accepted twice.
    sa.Column("last_step", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

recovery_codes = sa.Table(
    "recovery_codes",
    metadata,
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("code_hash", sa.String(64), primary_key=True),  # sha256 hex of the code
    sa.Column("used_at", sa.DateTime, nullable=True),
)

account_deletions = sa.Table(
    "account_deletions",
    metadata,
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    # The owner's request; the account was suspended at this very moment.
    sa.Column("requested_at", sa.DateTime, nullable=False),
    sa.Column("delete_after", sa.DateTime, nullable=False, index=True),
    sa.Column("finished_at", sa.DateTime, nullable=True),
)
