"""Imports of Mastodon CSVs (Mastodon's bulk_imports) and archives of one's posts
(Mastodon's backups), with the progress their jobs make."""

import sqlalchemy as sa

from roost.db.metadata import metadata

imports = sa.Table(
    "imports",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # following, blocking, muting, domain_blocking, bookmarks, lists (Mastodon's types)
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("overwrite", sa.Boolean, nullable=False, server_default=sa.false()),
    # scheduled → in_progress → finished
    sa.Column("state", sa.String(12), nullable=False),
    sa.Column("filename", sa.String(255), nullable=False, server_default=""),
    # The file's rows, parsed and checked when it was uploaded: [{"acct": ..., ...}].
    sa.Column("rows", sa.JSON, nullable=False),
    sa.Column("total_items", sa.Integer, nullable=False, server_default="0"),
    sa.Column("processed_items", sa.Integer, nullable=False, server_default="0"),
    sa.Column("imported_items", sa.Integer, nullable=False, server_default="0"),
    # The rows that failed, with why: [{"row": n, "value": ..., "reason": ...}] (the first
    # MAX_FAILURES_KEPT of them; processed - imported counts them all).
    sa.Column("failures", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Index("ix_imports_account_id_id", "account_id", "id"),
)

archives = sa.Table(
    "archives",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column(
        "account_id",
        sa.BigInteger,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # pending → ready (its file stored in parts) | failed
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("total_items", sa.Integer, nullable=False, server_default="0"),
    sa.Column("processed_items", sa.Integer, nullable=False, server_default="0"),
    sa.Column("size", sa.BigInteger, nullable=False, server_default="0"),
    # The zip is stored as this many parts (archives/<id>/<n>.bin), each at most PART_SIZE.
    sa.Column("parts", sa.Integer, nullable=False, server_default="0"),
    # Where its parts are kept: `archives/<id>-<random>` (a key nobody can guess, since a
    # local media store serves every key at /media/).
    sa.Column("file_key", sa.String(100), nullable=True),
    sa.Column("error", sa.String(300), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Index("ix_archives_account_id_id", "account_id", "id"),
)
