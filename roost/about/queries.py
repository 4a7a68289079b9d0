"""Reads of the instance's own pages: its texts as the API renders them, its weekly
activity and its NodeInfo usage figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import msgspec
import sqlalchemy as sa

from roost.about.actions import TEXTS
from roost.about.entities import ExtendedDescription, PrivacyPolicy, TermsOfService, WeeklyActivity
from roost.about.markdown import render_markdown
from roost.about.tables import instance_texts, terms_of_service
from roost.accounts.tables import accounts, users
from roost.cache import Cache
from roost.db import Database
from roost.errors import NotFound
from roost.oauth.tables import tokens
from roost.statuses.tables import statuses
from roost.timeutil import iso, utcnow

WEEKS = 12
_ACTIVITY_KEY = "instance:activity"
_ACTIVITY_TTL = 3600.0  # seconds; Mastodon caches the activity for a day
_USAGE_KEY = "instance:nodeinfo"
_USAGE_TTL = 300.0  # as the instance's counts (roost.statistics)

# Shown until an admin writes the instance's own (Mastodon also ships a default policy).
DEFAULT_PRIVACY_POLICY = """\
This server keeps what it needs to run your account: your email address, a hash of your
password, your profile, your posts and media, who you follow, and the time and address of
your recent requests (for rate limits and security).

Your public posts can be read by anyone; followers-only posts by your followers; direct
messages by the people they mention. The server's administrators can see everything stored
here. Nothing is sold or shared with advertisers.

You can download your data or delete your account from your settings.
"""
DEFAULT_POLICY_DATE = datetime(2026, 12, 5)


async def _text(db: Database, name: str) -> tuple[str, datetime] | None:
    row = await db.fetch_one(
        sa.select(instance_texts.c.text, instance_texts.c.updated_at).where(
            instance_texts.c.name == name
        )
    )
    return None if row is None else (row.text, row.updated_at)


async def texts_as_typed(db: Database) -> dict[str, str]:
    """The admin form's values: each text as typed, the newest terms of service and the
    date they take effect ("" for none)."""
    rows = await db.fetch_all(sa.select(instance_texts.c.name, instance_texts.c.text))
    found = dict.fromkeys(TEXTS, "") | {r.name: r.text for r in rows}
    terms = await db.fetch_one(
        sa.select(terms_of_service.c.text, terms_of_service.c.effective_date)
        .order_by(terms_of_service.c.effective_date.desc())
        .limit(1)
    )
    found["terms_of_service"] = terms.text if terms else ""
    found["terms_date"] = terms.effective_date.isoformat() if terms else ""
    return found


async def extended_description(db: Database) -> ExtendedDescription:
    """The extended description ("" and no date until an admin writes one)."""
    found = await _text(db, "extended_description")
    if found is None:
        return ExtendedDescription(updated_at=None, content="")
    return ExtendedDescription(updated_at=iso(found[1]), content=render_markdown(found[0]))


async def privacy_policy(db: Database) -> PrivacyPolicy:
    """The privacy policy: the admins', else Roost's default."""
    text, updated_at = await _text(db, "privacy_policy") or (
        DEFAULT_PRIVACY_POLICY,
        DEFAULT_POLICY_DATE,
    )
    return PrivacyPolicy(updated_at=iso(updated_at), content=render_markdown(text))


async def has_terms(db: Database) -> bool:
    """Whether the instance has terms of service (v2 instance's `urls.terms_of_service`)."""
    found = await db.scalar(sa.select(terms_of_service.c.id).limit(1))
    return found is not None


async def terms(db: Database, on: date | None = None) -> TermsOfService:
    """The terms of service in effect (else the first to come), or the version that took
    effect on the date `on`. NotFound when there is none (Mastodon answers 404)."""
    rows = await db.fetch_all(
        sa.select(terms_of_service.c.text, terms_of_service.c.effective_date).order_by(
            terms_of_service.c.effective_date
        )
    )
    today = utcnow().date()
    if on is not None:
        index = next((i for i, r in enumerate(rows) if r.effective_date == on), None)
    else:
        live = [i for i, r in enumerate(rows) if r.effective_date <= today]
        index = live[-1] if live else (0 if rows else None)
    if index is None:
        raise NotFound()
    row = rows[index]
    following = rows[index + 1].effective_date.isoformat() if index + 1 < len(rows) else None
    return TermsOfService(
        effective_date=row.effective_date.isoformat(),
        effective=row.effective_date <= today,
        content=render_markdown(row.text),
        succeeded_by=following,
    )


def week_starts(now: datetime, weeks: int = WEEKS) -> list[datetime]:
    """The first instants (Mondays, 00:00 UTC) of the current week and the ones before it,
    newest first."""
    monday = datetime(now.year, now.month, now.day) - timedelta(days=now.weekday())
    return [monday - timedelta(weeks=i) for i in range(weeks)]


def _per_week(
    column: sa.ColumnElement[datetime],
    starts: list[datetime],
    counted: sa.ColumnElement[int] | None = None,
) -> list[sa.ColumnElement[int]]:
    """One count per week: rows (or distinct `counted` values) whose `column` falls in it."""
    out: list[sa.ColumnElement[int]] = []
    for start in starts:
        inside = sa.and_(column >= start, column < start + timedelta(weeks=1))
        if counted is None:
            out.append(sa.func.count(sa.case((inside, 1))))
        else:
            out.append(sa.func.count(sa.distinct(sa.case((inside, counted)))))
    return out


async def activity(db: Database, cache: Cache) -> list[WeeklyActivity]:
    """The last 12 weeks, newest first: local posts (not boosts), sign-ins (distinct users
    who signed in: a web session or an app's authorisation each issues a token) and
    sign-ups. Three queries, computed at most hourly."""
    (cached,) = await cache.get_many([_ACTIVITY_KEY])
    if cached is not None:
        return msgspec.json.decode(cached, type=list[WeeklyActivity])
    starts = week_starts(utcnow())
    oldest = starts[-1]
    posts = await db.fetch_one(
        sa.select(*_per_week(statuses.c.created_at, starts)).where(
            statuses.c.created_at >= oldest, statuses.c.reblog_of_id.is_(None)
        )
    )
    logins = await db.fetch_one(
        sa.select(*_per_week(tokens.c.created_at, starts, tokens.c.account_id)).where(
            tokens.c.created_at >= oldest, tokens.c.account_id.is_not(None)
        )
    )
    signups = await db.fetch_one(
        sa.select(*_per_week(users.c.created_at, starts)).where(users.c.created_at >= oldest)
    )
    assert posts is not None  # aggregates: one row each
    assert logins is not None
    assert signups is not None
    weeks = [
        WeeklyActivity(
            week=str(int(_utc_seconds(start))),
            statuses=str(posts[i]),
            logins=str(logins[i]),
            registrations=str(signups[i]),
        )
        for i, start in enumerate(starts)
    ]
    await cache.set_many({_ACTIVITY_KEY: msgspec.json.encode(weeks)}, _ACTIVITY_TTL)
    return weeks


def _utc_seconds(naive_utc: datetime) -> float:
    return (naive_utc - datetime(1970, 1, 1)).total_seconds()


async def usage(db: Database, cache: Cache) -> tuple[int, int, int, int]:
    """NodeInfo's figures: (users, active in 30 days, active in 180 days, local posts),
    counted at most every 5 minutes."""
    (cached,) = await cache.get_many([_USAGE_KEY])
    if cached is not None:
        total, month, halfyear, posts = msgspec.json.decode(cached, type=tuple[int, int, int, int])
        return total, month, halfyear, posts
    now = utcnow()
    active = sa.and_(accounts.c.suspended_at.is_(None), users.c.approved.is_(True))
    row = await db.fetch_one(
        sa.select(
            sa.func.count().label("total"),
            sa.func.count(sa.case((users.c.last_active_at >= now - timedelta(days=30), 1))).label(
                "month"
            ),
            sa.func.count(sa.case((users.c.last_active_at >= now - timedelta(days=180), 1))).label(
                "halfyear"
            ),
        )
        .select_from(users.join(accounts, accounts.c.id == users.c.account_id))
        .where(active)
    )
    posts = await db.scalar(
        sa.select(sa.func.count()).select_from(statuses).where(statuses.c.reblog_of_id.is_(None))
    )
    assert row is not None  # an aggregate
    figures = int(row.total), int(row.month), int(row.halfyear), int(posts or 0)
    await cache.set_many({_USAGE_KEY: msgspec.json.encode(figures)}, _USAGE_TTL)
    return figures
