"""What the admin dashboard's figures share: the entities (Admin::Measure, Admin::Dimension,
Admin::Cohort), the period asked for, days as SQL groups them, and Rails' human sizes.

Times are stored as naive UTC, and a day is a UTC day, as in Mastodon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec
import sqlalchemy as sa

from roost.errors import RoostError

MAX_DAYS = 366 * 5  # the longest period asked for; a day's row is cheap, years of them not


class MeasureData(msgspec.Struct, kw_only=True):
    date: str  # the day's midnight, UTC: 2022-09-14T00:00:00Z
    value: str


class Measure(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Admin::Measure. `unit` is always sent (null but for sizes); `human_value` only for
    sizes, `previous_total` only for figures counted within the period (as Mastodon)."""

    key: str
    unit: str | None
    total: str
    human_value: str | None = None
    previous_total: str | None = None
    data: list[MeasureData]


class DimensionData(msgspec.Struct, kw_only=True, omit_defaults=True):
    key: str
    human_key: str
    value: str
    unit: str | None = None
    human_value: str | None = None


class Dimension(msgspec.Struct, kw_only=True):
    """Admin::Dimension."""

    key: str
    data: list[DimensionData]


class CohortData(msgspec.Struct, kw_only=True):
    date: str
    rate: float
    value: str


class Cohort(msgspec.Struct, kw_only=True):
    """Admin::Cohort: who signed up in `period`, and how many of them were still active
    in each period since."""

    period: str
    frequency: str
    data: list[CohortData]


@dataclass(frozen=True)
class Period:
    """The days from `start_at`'s to `end_at`'s, both included, and the period as long
    before it (Mastodon's previous_time_period: shifted back by end_at - start_at)."""

    start_at: datetime
    end_at: datetime

    @property
    def first(self) -> date:
        return self.start_at.date()

    @property
    def last(self) -> date:
        return self.end_at.date()

    @property
    def shift(self) -> timedelta:
        return timedelta(days=(self.end_at - self.start_at).days)

    @property
    def previous(self) -> tuple[date, date]:
        return self.first - self.shift, self.last - self.shift

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def parse_time(name: str, value: Any) -> datetime:
    """A naive UTC datetime from an ISO 8601 date or time (`2022-09-14`,
    `2022-09-14T00:00:00Z`, `...+02:00`); absent or anything else → 400."""
    if not isinstance(value, str) or not value.strip():
        raise RoostError(f"param is missing or the value is empty: {name}", status=400)
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise RoostError(f"{name} is not a valid date", status=400) from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def period_of(start: Any, end: Any) -> Period:
    """The period between the `start_at` and `end_at` parameters (400 when backwards or
    longer than MAX_DAYS)."""
    start_at, end_at = parse_time("start_at", start), parse_time("end_at", end)
    if end_at < start_at:
        raise RoostError("end_at is before start_at", status=400)
    if (end_at.date() - start_at.date()).days >= MAX_DAYS:
        raise RoostError(f"The period is too long (at most {MAX_DAYS} days)", status=400)
    return Period(start_at, end_at)


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def day_of(column: Any) -> Any:
    """The UTC day of a stored time, in SQL (`date()` is both SQLite's and PostgreSQL's)."""
    return sa.func.date(column, type_=sa.Date)


def as_date(value: Any) -> date:
    """A day as the driver gave it back (a date, or SQLite's text)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def day_stamp(day: date) -> str:
    """`2022-09-14T00:00:00Z`, as Mastodon's measures give each day."""
    return f"{day.isoformat()}T00:00:00Z"


def human_size(size: int) -> str:
    """Rails' number_to_human_size: 1024-based, three significant digits, trailing zeros
    dropped (`0 Bytes`, `1 Byte`, `1.46 KB`, `12.3 MB`)."""
    if size < 1024:
        return f"{size} {'Byte' if size == 1 else 'Bytes'}"
    units = ("KB", "MB", "GB", "TB", "PB", "EB")
    value, n = size / 1024, 0
    while value >= 1024 and n < len(units) - 1:
        value, n = value / 1024, n + 1
    unit = units[n]
    digits = max(0, 3 - len(str(int(value))))
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {unit}"
