"""Accounts (the public profile) and users (a local account's credentials and settings)."""

import sqlalchemy as sa

from roost.db.metadata import metadata

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("username", sa.String(30), nullable=False),
    # Lower-cased username: unique, and what lookups and mentions match on.
    sa.Column("username_lower", sa.String(30), nullable=False, unique=True),
    sa.Column("display_name", sa.String(100), nullable=False, server_default=""),
    sa.Column("note", sa.Text, nullable=False, server_default=""),  # as typed
    sa.Column("note_html", sa.Text, nullable=False, server_default=""),  # rendered
    sa.Column("fields", sa.JSON, nullable=False),  # [{"name", "value"}] as typed
    sa.Column("avatar", sa.String(500), nullable=True),
    sa.Column("header", sa.String(500), nullable=True),
    # The first frame of an animated avatar or header (roost.media.profile); none for a
    # still image, which is its own static one. Alt text of each (at most 150 characters).
    sa.Column("avatar_static", sa.String(500), nullable=True),
    sa.Column("header_static", sa.String(500), nullable=True),
    sa.Column("avatar_description", sa.String(150), nullable=False, server_default=""),
    sa.Column("header_description", sa.String(150), nullable=False, server_default=""),
    sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("bot", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("discoverable", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("indexable", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("hide_collections", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("statuses_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("followers_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("following_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_status_at", sa.DateTime, nullable=True),
    sa.Column("suspended_at", sa.DateTime, nullable=True),
    # Mastodon's "limit" and "force sensitive" (roost.moderation.account_actions).
    sa.Column("silenced_at", sa.DateTime, nullable=True),
    sa.Column("sensitized_at", sa.DateTime, nullable=True),
    # Followed accounts too big to fan out are found through it (timelines.queries).
    sa.Index("ix_accounts_followers_count", "followers_count"),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("email_lower", sa.String(320), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    # True for the owner and admin roles: kept in step with `role` (roost.accounts.staff)
    # for readers from before roles; new code asks `role` (roost.accounts.roles).
    sa.Column("admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("role", sa.String(16), nullable=True),  # owner, admin, moderator; NULL: none
    sa.Column("approved", sa.Boolean, nullable=False, server_default=sa.true()),
    # Set by a moderator: the user cannot sign in, its tokens stop working.
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("locale", sa.String(16), nullable=False, server_default="en"),
    sa.Column("reason", sa.Text, nullable=True),  # for ROOST_REGISTRATIONS=approval
    # The address the sign-up came from (roost.blocks: IP blocks); NULL for the CLI's.
    sa.Column("sign_up_ip", sa.String(45), nullable=True),
    # Posting and reading preferences (GET /api/v1/preferences).
    sa.Column("default_visibility", sa.String(10), nullable=False, server_default="public"),
    sa.Column("default_sensitive", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("default_language", sa.String(8), nullable=True),
    sa.Column("expand_media", sa.String(10), nullable=False, server_default="default"),
    sa.Column("expand_spoilers", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # Fan-out skips accounts inactive for 30+ days; their feed is rebuilt on return.
    sa.Column("last_active_at", sa.DateTime, nullable=False),
)
