"""What the operator decided about a trend (with ROOST_TRENDS_REVIEW, nothing trends
before it is approved; without, everything but the rejected does)."""

import sqlalchemy as sa

from roost.db.metadata import metadata

trend_reviews = sa.Table(
    "trend_reviews",
    metadata,
    sa.Column("kind", sa.String(10), primary_key=True),  # "tag" or "status"
    sa.Column("target_id", sa.BigInteger, primary_key=True),  # the tag's or status's id
    sa.Column("trendable", sa.Boolean, nullable=False),
    sa.Column("reviewed_at", sa.DateTime, nullable=False),
)
