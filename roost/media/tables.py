"""One row per uploaded file. It belongs to its uploader and, once posted, to one status
(`status_id`, `position`); a deleted status leaves its media unattached (Mastodon's
"delete and redraft" posts them again), and the prune job removes unattached media after a
day."""

import sqlalchemy as sa

from roost.db.metadata import metadata

media_attachments = sa.Table(
    "media_attachments",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "status_id",
        sa.BigInteger,
        sa.ForeignKey("statuses.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("position", sa.SmallInteger, nullable=True),  # order within its status
    # Held by a scheduled post until it is published (the prune job leaves it alone).
    sa.Column(
        "scheduled_status_id",
        sa.BigInteger,
        sa.ForeignKey(
            "scheduled_statuses.id",
            ondelete="SET NULL",
            name="fk_media_attachments_scheduled_status_id",
        ),
        nullable=True,
    ),
    # image, gifv, video, audio, unknown (Mastodon's MediaAttachment.type)
    sa.Column("type", sa.String(16), nullable=False),
    # processing (202 from /api/v2/media), ready, failed
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("content_type", sa.String(100), nullable=False),  # as uploaded
    # Storage keys: the upload as received (until processed), the processed file and its
    # preview (a still image for video, audio and gifv).
    sa.Column("upload_key", sa.String(300), nullable=True),
    sa.Column("file_key", sa.String(300), nullable=True),
    sa.Column("preview_key", sa.String(300), nullable=True),
    sa.Column("file_size", sa.BigInteger, nullable=False, server_default="0"),
    # Mastodon's `meta` (original/small sizes, duration, fps, focus) as stored.
    sa.Column("meta", sa.JSON, nullable=True),
    sa.Column("description", sa.Text, nullable=True),  # alt text
    sa.Column("blurhash", sa.String(100), nullable=True),
    sa.Column("error", sa.String(300), nullable=True),  # why processing failed
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index("ix_media_attachments_status_id", "status_id", "position"),
    sa.Index("ix_media_attachments_account_id", "account_id", "created_at"),
    sa.Index("ix_media_attachments_scheduled_status_id", "scheduled_status_id"),
    # The prune job's walk: unattached media, oldest first.
    sa.Index(
        "ix_media_attachments_unattached",
        "created_at",
        sqlite_where=sa.text("status_id IS NULL"),
        postgresql_where=sa.text("status_id IS NULL"),
    ),
)
