"""Web Push subscriptions: one per access token (Mastodon ties them to the token)."""

import sqlalchemy as sa

from roost.db.metadata import metadata

push_subscriptions = sa.Table(
    "push_subscriptions",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,  # the notification hook's one query
    ),
    # A new subscription from the same token replaces the old one.
    sa.Column(
        "token_id",
        sa.BigInteger,
        sa.ForeignKey("tokens.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    sa.Column("endpoint", sa.String(2000), nullable=False),
    sa.Column("key_p256dh", sa.String(200), nullable=False),  # base64url, as received
    sa.Column("key_auth", sa.String(100), nullable=False),
    # RFC 8291 aes128gcm when true; the legacy aesgcm draft otherwise.
    sa.Column("standard", sa.Boolean, nullable=False),
    sa.Column("alerts", sa.JSON, nullable=False),  # {"mention": true, ...}
    sa.Column("policy", sa.String(10), nullable=False),  # all, followed, follower, none
    # The token itself, which Mastodon's push payload carries (its web client acts from
    # the notification with it), encrypted with a key derived from the secret key: the
    # tokens table keeps only hashes, and a leaked database must not leak working tokens.
    sa.Column("access_token", sa.String(500), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
