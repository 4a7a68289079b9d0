"""The instance's blocks: who may not sign up (or reach us at all), and which servers
federation limits or allows."""

import sqlalchemy as sa

from roost.db.metadata import metadata

email_domain_blocks = sa.Table(
    "email_domain_blocks",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("domain", sa.String(255), nullable=False, unique=True),  # lowercase, IDNA
    # True: sign-ups from this domain wait for a moderator instead of being refused.
    sa.Column("allow_with_approval", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

canonical_email_blocks = sa.Table(
    "canonical_email_blocks",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    # SHA-256 hex of the canonical address (roost.blocks.check.canonical_email).
    sa.Column("canonical_email_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

ip_blocks = sa.Table(
    "ip_blocks",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("ip", sa.String(49), nullable=False),  # a normalised CIDR, e.g. 10.0.0.0/8
    # sign_up_requires_approval, sign_up_block or no_access
    sa.Column("severity", sa.String(32), nullable=False),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("expires_at", sa.DateTime, nullable=True),  # NULL: never
    sa.Column("created_at", sa.DateTime, nullable=False),
)

domain_blocks = sa.Table(
    "domain_blocks",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("domain", sa.String(255), nullable=False, unique=True),
    sa.Column("severity", sa.String(16), nullable=False),  # silence, suspend or noop
    sa.Column("reject_media", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("reject_reports", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("private_comment", sa.Text, nullable=True),
    sa.Column("public_comment", sa.Text, nullable=True),
    sa.Column("obfuscate", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

domain_allows = sa.Table(
    "domain_allows",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("domain", sa.String(255), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
