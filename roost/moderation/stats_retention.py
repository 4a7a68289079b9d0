"""POST /api/v1/admin/retention: of the users who signed up in each day (or month) of a
period, how many were still active in each period since (Mastodon's
Admin::Metrics::Retention).

Mastodon counts a user as retained in a period when their latest sign-in falls in it or
later; Roost's counterpart of the latest sign-in is `users.last_active_at` (the latest
time the account used Roost, kept for fan-out), so the figures mean the same."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from roost.accounts.tables import users
from roost.db import Database
from roost.moderation.staff import Staff, check_can
from roost.moderation.stats_common import (
    Cohort,
    CohortData,
    as_date,
    day_of,
    midnight,
    period_of,
)

FREQUENCIES = ("day", "month")


def _bucket(day: date, frequency: str) -> date:
    return day.replace(day=1) if frequency == "month" else day


def _periods(first: date, last: date, frequency: str) -> list[date]:
    found, at = [], _bucket(first, frequency)
    while at <= last:
        found.append(at)
        at = (
            (at.replace(day=28) + timedelta(days=4)).replace(day=1) if frequency == "month"
            else at + timedelta(days=1)
        )  # fmt: skip
    return found


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+00:00"


async def access_retention(
    db: Database, actor: Staff, between: tuple[Any, Any], frequency: str
) -> list[Cohort]:
    """One Admin::Cohort per day or month (`frequency`; anything else is `day`, as
    Mastodon) from the start to the end of the period `between` (`start_at`, `end_at`;
    checked after the actor), for staff who may view the dashboard. One
    query: sign-ups counted by (sign-up day, last active day)."""
    check_can(actor, "view_dashboard")
    period = period_of(*between)
    frequency = frequency if frequency in FREQUENCIES else "day"
    cohorts = _periods(period.first, period.last, frequency)
    if not cohorts:
        return []
    since = midnight(cohorts[0])
    until = midnight(period.last + timedelta(days=1))
    if frequency == "month":
        until = midnight(_periods(period.last, period.last + timedelta(days=31), "month")[1])
    joined, active = day_of(users.c.created_at).label("joined"), day_of(users.c.last_active_at)
    rows: list[Any] = list(
        await db.fetch_all(
            sa.select(joined, active.label("active"), sa.func.count().label("n"))
            .where(users.c.created_at >= since, users.c.created_at < until)
            .group_by(joined, active)
        )
    )
    # cohort -> the bucket of each member's last activity -> how many
    last_seen: dict[date, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        cohort = _bucket(as_date(row.joined), frequency)
        last_seen[cohort][_bucket(as_date(row.active), frequency)] += int(row.n)
    found = []
    for cohort in cohorts:
        seen = last_seen.get(cohort, {})
        size = sum(seen.values())
        data = []
        for later in (p for p in cohorts if p >= cohort):
            kept = sum(n for at, n in seen.items() if at >= later)
            data.append(CohortData(date=_stamp(later), rate=kept / max(size, 1), value=str(kept)))
        found.append(Cohort(period=_stamp(cohort), frequency=frequency, data=data))
    return found
