"""POST /api/v1/admin/dimensions: the dashboard's breakdowns (Mastodon's
Admin::Metrics::Dimension, same keys and meanings, from the rows Roost keeps).

Roost has only local accounts, so `servers` and `tag_servers` give one server, this one,
and `instance_*` answer for Roost's own domain and with nothing for any other (as
Mastodon does for a domain it does not know). `languages` counts the interface languages
of the users active in the period (Mastodon: signed in; Roost: `users.last_active_at`).
`sources` counts sign-ups by the app they came through: an account signed up through
`POST /api/v1/accounts` gets its app's token in the sign-up's own transaction, so a token
from an app issued within SIGN_UP_TOKEN of the account names it; any other sign-up
(the web form, the command line) counts as `web`, as Mastodon counts those without an app.
"""

from __future__ import annotations

import platform
import re
from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import msgspec
import sqlalchemy as sa
from babel import Locale, UnknownLocaleError

from roost import __version__
from roost.accounts.tables import accounts, users
from roost.cache import Cache
from roost.db import Database
from roost.errors import NotFound, RoostError
from roost.ids import id_at
from roost.media.storage import MediaStorage
from roost.moderation.staff import Staff, check_can
from roost.moderation.stats_common import (
    Dimension,
    DimensionData,
    Period,
    human_size,
    midnight,
    period_of,
)
from roost.oauth.tables import apps, tokens
from roost.statuses.tables import status_tags, statuses, tags

KEYS = ("languages", "sources", "servers", "space_usage", "software_versions", "tag_servers",
        "tag_languages", "instance_accounts", "instance_languages")  # fmt: skip
SIGN_UP_TOKEN = timedelta(minutes=1)
MEDIA_BYTES_KEY = "stats:media_bytes"
MEDIA_BYTES_TTL = 300.0  # seconds: the media store is walked at most this often (Mastodon
# caches every dashboard figure for 5 minutes)


def language_name(code: str) -> str:
    """The language's own name (`Deutsch` for de), or the code when unknown."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name()
    except (ValueError, UnknownLocaleError):
        return code
    return name or code


def _rows(found: list[tuple[str, int]], limit: int, names: Any = None) -> list[DimensionData]:
    found.sort(key=lambda kv: (-kv[1], kv[0]))
    return [
        DimensionData(key=k, human_key=names(k) if names else k, value=str(n))
        for k, n in found[:limit]
    ]


async def _all(db: Database, stmt: sa.Select[Any]) -> list[Any]:
    return list(await db.fetch_all(stmt))


def _between(period: Period) -> tuple[Any, Any]:
    return midnight(period.first), midnight(period.last + timedelta(days=1))


async def _languages(db: Database, period: Period, limit: int) -> list[DimensionData]:
    since, until = _between(period)
    rows: list[Any] = await _all(
        db,
        sa.select(users.c.locale, sa.func.count())
        .where(users.c.last_active_at >= since, users.c.last_active_at < until)
        .group_by(users.c.locale),
    )
    return _rows([(r[0], int(r[1])) for r in rows], limit, language_name)


async def _sources(db: Database, period: Period, limit: int) -> list[DimensionData]:
    since, until = _between(period)
    rows: list[Any] = await _all(
        db,
        sa.select(users.c.account_id, users.c.created_at, tokens.c.created_at, apps.c.name)
        .select_from(
            users.outerjoin(
                tokens,
                sa.and_(
                    tokens.c.account_id == users.c.account_id,
                    tokens.c.app_id.is_not(None),
                    tokens.c.created_at >= since,
                    tokens.c.created_at < until + SIGN_UP_TOKEN,
                ),
            ).outerjoin(apps, apps.c.id == tokens.c.app_id)
        )
        .where(users.c.created_at >= since, users.c.created_at < until)
        .order_by(users.c.account_id, tokens.c.id),
    )
    source: dict[int, str] = {}
    for account_id, joined, issued, app in rows:
        if app is not None and issued is not None and issued - joined <= SIGN_UP_TOKEN:
            source.setdefault(account_id, app)
        else:
            source.setdefault(account_id, "web")
    counts = Counter(source.values())
    return _rows(list(counts.items()), limit, lambda k: "Website" if k == "web" else k)


def _posted_in(period: Period) -> list[Any]:
    since, until = _between(period)
    return [statuses.c.id >= id_at(since), statuses.c.id < id_at(until)]


async def _servers(db: Database, period: Period, where: list[Any], local: str) -> list[Any]:
    n = await db.scalar(
        sa.select(sa.func.count())
        .select_from(statuses.join(accounts, accounts.c.id == statuses.c.account_id))
        .where(*_posted_in(period), *where)
    )
    return [DimensionData(key=local, human_key=local, value=str(n))] if n else []


async def _post_languages(
    db: Database, period: Period, where: list[Any], limit: int
) -> list[DimensionData]:
    rows: list[Any] = await _all(
        db,
        sa.select(statuses.c.language, sa.func.count())
        .where(*_posted_in(period), statuses.c.language.is_not(None), *where)
        .group_by(statuses.c.language),
    )
    return _rows([(r[0], int(r[1])) for r in rows], limit, language_name)


def _tagged(tag_id: int) -> list[Any]:
    return [
        sa.exists().where(status_tags.c.status_id == statuses.c.id, status_tags.c.tag_id == tag_id)
    ]


async def _most_followed(db: Database, limit: int) -> list[DimensionData]:
    rows: list[Any] = await _all(
        db,
        sa.select(accounts.c.username, accounts.c.followers_count)
        .order_by(accounts.c.followers_count.desc(), accounts.c.id)
        .limit(limit),
    )
    return [DimensionData(key=u, human_key=u, value=str(n)) for u, n in rows]


def _version_row(key: str, human_key: str, value: str) -> DimensionData:
    return DimensionData(key=key, human_key=human_key, value=value, human_value=value)


def _size_row(key: str, human_key: str, size: int) -> DimensionData:
    return DimensionData(key=key, human_key=human_key, value=str(size), unit="bytes",
                         human_value=human_size(size))  # fmt: skip


async def _software_versions(db: Database, redis: Any) -> list[DimensionData]:
    found = [
        _version_row("roost", "Roost", __version__),
        _version_row("python", "Python", platform.python_version()),
    ]
    if db.is_sqlite:
        found.append(_version_row("sqlite", "SQLite", str(await db.scalar(sa.text(
            "SELECT sqlite_version()")))))  # fmt: skip
    else:
        text = str(await db.scalar(sa.text("SELECT version()")))
        matched = re.match(r"(?:PostgreSQL )?(\S+)", text)
        found.append(_version_row("postgresql", "PostgreSQL", matched[1] if matched else text))
    if redis is not None:
        info = await redis.info("server")
        found.append(_version_row("redis", "Redis", str(info.get("redis_version", ""))))
    return found


async def _space_usage(
    db: Database, redis: Any, storage: MediaStorage, cache: Cache
) -> list[DimensionData]:
    if db.is_sqlite:
        size = await db.scalar(sa.text(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
        ))  # fmt: skip
        found = [_size_row("sqlite", "SQLite", int(size or 0))]
    else:
        size = await db.scalar(sa.text("SELECT pg_database_size(current_database())"))
        found = [_size_row("postgresql", "PostgreSQL", int(size or 0))]
    if redis is not None:
        info = await redis.info("memory")
        found.append(_size_row("redis", "Redis", int(info.get("used_memory", 0))))
    found.append(_size_row("media", "Media storage", await media_bytes(storage, cache)))
    return found


async def media_bytes(storage: MediaStorage, cache: Cache) -> int:
    """Bytes in the media store (media, profile images, and files without a row: what
    `roost media usage` totals), from the store's own listing, walked at most every
    MEDIA_BYTES_TTL seconds."""
    (cached,) = await cache.get_many([MEDIA_BYTES_KEY])
    if cached is not None:
        return msgspec.json.decode(cached, type=int)
    total = 0
    async for stored in storage.files():
        total += stored.size
    await cache.set_many({MEDIA_BYTES_KEY: msgspec.json.encode(total)}, MEDIA_BYTES_TTL)
    return total


def _param(params: Mapping[str, str | None], key: str, name: str) -> str:
    value = (params.get(f"{key}[{name}]") or "").strip()
    if not value:
        raise RoostError(f"param is missing or the value is empty: {key}", status=400)
    return value


async def _tag_id(db: Database, params: Mapping[str, str | None], key: str) -> int:
    raw = _param(params, key, "id")
    tag_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None
    if tag_id is None or await db.scalar(sa.select(tags.c.id).where(tags.c.id == tag_id)) is None:
        raise NotFound()
    return tag_id


async def access_dimensions(
    db: Database,
    actor: Staff,
    keys: list[str],
    between: tuple[Any, Any],
    limit: int,
    params: Mapping[str, str | None],
    *,
    local_domain: str,
    redis: Any,
    storage: MediaStorage,
    cache: Cache,
) -> list[Dimension]:
    """The Admin::Dimension of each of `keys` (unknown ones left out, as Mastodon) over
    the period `between` (`start_at`, `end_at`; checked after the actor), at most `limit`
    rows each, for staff who may view the dashboard; `params` holds `key[id]` /
    `key[domain]` for the keys that take one. One query per key (two for a hashtag's,
    which is looked up first; Redis and the cached media total aside)."""
    check_can(actor, "view_dashboard")
    period = period_of(*between)
    found = []
    for key in dict.fromkeys(k for k in keys if k in KEYS):
        data: list[DimensionData] = []
        if key == "languages":
            data = await _languages(db, period, limit)
        elif key == "sources":
            data = await _sources(db, period, limit)
        elif key == "servers":
            data = await _servers(db, period, [], local_domain)
        elif key == "space_usage":
            data = await _space_usage(db, redis, storage, cache)
        elif key == "software_versions":
            data = await _software_versions(db, redis)
        elif key in ("tag_servers", "tag_languages"):
            where = _tagged(await _tag_id(db, params, key))
            data = await (
                _servers(db, period, where, local_domain) if key == "tag_servers"
                else _post_languages(db, period, where, limit)
            )  # fmt: skip
        elif _param(params, key, "domain").lower() == local_domain.lower():
            data = await (
                _most_followed(db, limit) if key == "instance_accounts"
                else _post_languages(db, period, [], limit)
            )  # fmt: skip
        found.append(Dimension(key=key, data=data))
    return found
