"""Timestamps: stored as naive UTC datetimes, shown in Mastodon's exact format."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the database stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def iso(dt: datetime) -> str:
    """`2026-11-05T13:15:30.000Z`: the form Mastodon clients parse."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def iso_or_none(dt: datetime | None) -> str | None:
    return None if dt is None else iso(dt)


def iso_date(dt: datetime | None) -> str | None:
    """Mastodon gives `last_status_at` as a date only."""
    if dt is None:
        return None
    d: date = dt.date()
    return d.isoformat()
