"""POST /api/v1/admin/measures: the dashboard's figures, day by day (Mastodon's
Admin::Metrics::Measure, same keys and meanings, from the rows Roost keeps).

Each figure is one grouped query over the period (and the period before it, for
`previous_total`), or two for the `instance_*` ones, whose total is all time: never a query
per day. Where Mastodon counts in Redis, Roost counts rows:
- `active_users`: Mastodon counts accounts that signed in each day. Roost keeps no daily
  sign-in log, so an account is active on a day when it posted (boosts and replies
  included) or favourited that day, or when that day is its `users.last_active_at` (the
  latest day it used Roost at all). The total counts each account once over the period.
- `interactions`: favourites, boosts and replies made each day (all on local posts: every
  post here is local), as Mastodon counts them.
- `tag_uses` / `tag_accounts`: public and unlisted posts (not boosts) with the hashtag,
  and the distinct accounts that wrote them, as Mastodon's tag history records them.
- `tag_servers`: distinct *remote* servers that used the hashtag: Mastodon counts
  `accounts.domain`, which is null for local accounts, and Roost has only local ones: 0.
- `instance_*`: for Roost's own domain, the local figures; for any other domain the
  figures of an unknown domain (0 every day), since Roost does not federate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from roost.accounts.tables import users
from roost.db import Database
from roost.errors import NotFound, RoostError
from roost.graph.tables import follows
from roost.ids import id_at
from roost.media.tables import media_attachments
from roost.moderation.staff import Staff, check_can
from roost.moderation.stats_common import (
    Measure,
    MeasureData,
    Period,
    as_date,
    day_of,
    day_stamp,
    human_size,
    midnight,
    period_of,
)
from roost.moderation.tables import reports
from roost.statuses.tables import favourites, status_tags, statuses, tags

# Keys whose figure needs a parameter: `key[id]` (a hashtag) or `key[domain]`.
TAG_KEYS = ("tag_accounts", "tag_uses", "tag_servers")
INSTANCE_KEYS = ("instance_accounts", "instance_media_attachments", "instance_reports",
                 "instance_statuses", "instance_follows", "instance_followers")  # fmt: skip
KEYS = ("active_users", "new_users", "interactions", "opened_reports", "resolved_reports",
        *TAG_KEYS, *INSTANCE_KEYS)  # fmt: skip


@dataclass(frozen=True)
class Span:
    """[first, last] days, as the SQL bounds of stored times and of time-sortable ids."""

    first: date
    last: date

    @property
    def since(self) -> Any:
        return midnight(self.first)

    @property
    def until(self) -> Any:  # exclusive
        return midnight(self.last + timedelta(days=1))

    def ids(self, column: Any) -> list[Any]:
        return [column >= id_at(self.since), column < id_at(self.until)]

    def times(self, column: Any) -> list[Any]:
        return [column >= self.since, column < self.until]


# What a figure counts, for a span: rows of (day, n) grouped by day ("count") or of
# distinct (day, who) ("distinct"), so the total can count each one once.
Counted = Callable[[Span], sa.Select[Any]]


def _per_day(column: Any, where: Callable[[Span], list[Any]], table: Any) -> Counted:
    def build(span: Span) -> sa.Select[Any]:
        day = day_of(column).label("day")
        return sa.select(day, sa.func.count().label("n")).select_from(table).where(
            *where(span)
        ).group_by(day)  # fmt: skip

    return build


def _grouped(rows: sa.Subquery) -> sa.Select[Any]:
    return sa.select(rows.c.day, sa.func.count().label("n")).group_by(rows.c.day)


def _interactions(span: Span) -> sa.Select[Any]:
    acts = sa.union_all(
        sa.select(day_of(favourites.c.created_at).label("day")).where(*span.ids(favourites.c.id)),
        sa.select(day_of(statuses.c.created_at)).where(
            *span.ids(statuses.c.id),
            sa.or_(statuses.c.reblog_of_id.is_not(None), statuses.c.in_reply_to_id.is_not(None)),
        ),
    ).subquery("acts")
    return _grouped(acts)


def _active(span: Span) -> sa.Select[Any]:
    acts = sa.union(
        sa.select(day_of(statuses.c.created_at).label("day"), statuses.c.account_id.label("who"))
        .where(*span.ids(statuses.c.id)),
        sa.select(day_of(favourites.c.created_at), favourites.c.account_id)
        .where(*span.ids(favourites.c.id)),
        sa.select(day_of(users.c.last_active_at), users.c.account_id)
        .where(*span.times(users.c.last_active_at)),
    )  # fmt: skip
    return sa.select(acts.subquery("acts"))


def _tagged(tag_id: int, span: Span) -> list[Any]:
    return [
        status_tags.c.tag_id == tag_id,
        *span.ids(statuses.c.id),
        statuses.c.visibility.in_(("public", "unlisted")),
        statuses.c.reblog_of_id.is_(None),
    ]


def _tag_uses(tag_id: int) -> Counted:
    return _per_day(
        statuses.c.created_at,
        lambda span: _tagged(tag_id, span),
        statuses.join(status_tags, status_tags.c.status_id == statuses.c.id),
    )


def _tag_accounts(tag_id: int) -> Counted:
    def build(span: Span) -> sa.Select[Any]:
        return (
            sa.select(day_of(statuses.c.created_at).label("day"), statuses.c.account_id)
            .join(status_tags, status_tags.c.status_id == statuses.c.id)
            .where(*_tagged(tag_id, span))
            .distinct()
        )

    return build


_SIMPLE: dict[str, tuple[str, Counted]] = {
    "active_users": ("distinct", _active),
    "new_users": ("count", _per_day(users.c.created_at, lambda s: s.times(users.c.created_at),
                                    users)),
    "interactions": ("count", _interactions),
    "opened_reports": ("count", _per_day(reports.c.created_at,
                                         lambda s: s.times(reports.c.created_at), reports)),
    "resolved_reports": ("count", _per_day(reports.c.action_taken_at,
                                           lambda s: s.times(reports.c.action_taken_at),
                                           reports)),
}  # fmt: skip


def _media_bytes(span: Span) -> sa.Select[Any]:
    day = day_of(media_attachments.c.created_at).label("day")
    return (
        sa.select(day, sa.func.coalesce(sa.func.sum(media_attachments.c.file_size), 0).label("n"))
        .where(*span.ids(media_attachments.c.id))
        .group_by(day)
    )


# instance_* for the local domain: (what each day counts, its all-time total).
_INSTANCE: dict[str, tuple[Counted, sa.Select[Any]]] = {
    "instance_accounts": (
        _per_day(users.c.created_at, lambda s: s.times(users.c.created_at), users),
        sa.select(sa.func.count()).select_from(users),
    ),
    "instance_media_attachments": (
        _media_bytes,
        sa.select(sa.func.coalesce(sa.func.sum(media_attachments.c.file_size), 0)),
    ),
    "instance_reports": (
        _per_day(reports.c.created_at, lambda s: s.times(reports.c.created_at), reports),
        sa.select(sa.func.count()).select_from(reports),
    ),
    "instance_statuses": (
        _per_day(statuses.c.created_at, lambda s: s.ids(statuses.c.id), statuses),
        sa.select(sa.func.count()).select_from(statuses),
    ),
    # Every follow is from and to a local account: follows and followers are the same.
    "instance_follows": (
        _per_day(follows.c.created_at, lambda s: s.ids(follows.c.id), follows),
        sa.select(sa.func.count()).select_from(follows),
    ),
    "instance_followers": (
        _per_day(follows.c.created_at, lambda s: s.ids(follows.c.id), follows),
        sa.select(sa.func.count()).select_from(follows),
    ),
}


async def _counted(
    db: Database, kind: str, counted: Counted, period: Period, *, previous: bool = True
) -> tuple[dict[date, int], int, int]:
    """(value per day, total, previous total) of a figure, from one query over both
    periods (or the period alone, without `previous`)."""
    prev_first, prev_last = period.previous if previous else (period.first, period.first)
    span = Span(min(prev_first, period.first), period.last)
    rows: list[Any] = list(await db.fetch_all(counted(span)))
    per_day: dict[date, int] = defaultdict(int)
    if kind == "count":
        for day, n in rows:
            per_day[as_date(day)] += int(n or 0)

        def total(first: date, last: date) -> int:
            return sum(n for d, n in per_day.items() if first <= d <= last)
    else:
        who_by_day: dict[date, set[Any]] = defaultdict(set)
        for day, who in rows:
            who_by_day[as_date(day)].add(who)
        for d, who in who_by_day.items():
            per_day[d] = len(who)

        def total(first: date, last: date) -> int:
            return len(set().union(*(w for d, w in who_by_day.items() if first <= d <= last)))

    return per_day, total(period.first, period.last), total(prev_first, prev_last)


def _data(period: Period, per_day: Mapping[date, int]) -> list[MeasureData]:
    return [MeasureData(date=day_stamp(d), value=str(per_day.get(d, 0))) for d in period.days()]


async def _tag_id(db: Database, key: str, params: Mapping[str, str | None]) -> int:
    raw = params.get(f"{key}[id]")
    if not raw:
        raise RoostError(f"param is missing or the value is empty: {key}", status=400)
    tag_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None
    if tag_id is None or await db.scalar(sa.select(tags.c.id).where(tags.c.id == tag_id)) is None:
        raise NotFound()
    return tag_id


async def _measure(
    db: Database, key: str, period: Period, params: Mapping[str, str | None], local: str
) -> Measure:
    if key in _SIMPLE or key in ("tag_uses", "tag_accounts"):
        if key in _SIMPLE:
            kind, counted = _SIMPLE[key]
        else:
            tag_id = await _tag_id(db, key, params)
            kind, counted = (
                ("count", _tag_uses(tag_id)) if key == "tag_uses"
                else ("distinct", _tag_accounts(tag_id))
            )  # fmt: skip
        per_day, total, previous = await _counted(db, kind, counted, period)
        return Measure(key=key, unit=None, total=str(total), previous_total=str(previous),
                       data=_data(period, per_day))  # fmt: skip
    if key == "tag_servers":
        await _tag_id(db, key, params)
        return Measure(key=key, unit=None, total="0", previous_total="0", data=_data(period, {}))
    domain = (params.get(f"{key}[domain]") or "").strip().lower()
    if not domain:
        raise RoostError(f"param is missing or the value is empty: {key}", status=400)
    per_day, total = {}, 0
    if domain == local.lower():
        counted, all_time = _INSTANCE[key]
        per_day, _, _ = await _counted(db, "count", counted, period, previous=False)
        total = int(await db.scalar(all_time) or 0)
    sizes = key == "instance_media_attachments"
    return Measure(
        key=key, unit="bytes" if sizes else None, total=str(total),
        human_value=human_size(total) if sizes else None, data=_data(period, per_day),
    )  # fmt: skip


async def access_measures(
    db: Database,
    actor: Staff,
    keys: list[str],
    between: tuple[Any, Any],
    params: Mapping[str, str | None],
    local_domain: str,
) -> list[Measure]:
    """The Admin::Measure of each of `keys` (unknown ones are left out, as Mastodon) over
    the period `between` (the `start_at` and `end_at` parameters, checked once the actor
    is: 403 comes before 400, as in Mastodon), for staff who may view the dashboard;
    `params` holds `key[id]` (a hashtag's
    id) and `key[domain]` for the keys that take one (400 when missing, 404 for an unknown
    hashtag). One or two queries per key."""
    check_can(actor, "view_dashboard")
    period = period_of(*between)
    wanted = list(dict.fromkeys(k for k in keys if k in KEYS))
    return [await _measure(db, key, period, params, local_domain) for key in wanted]
