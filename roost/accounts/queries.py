"""Reading accounts, and rendering them as Mastodon Account entities in batches."""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from roost.accounts.entities import Account, CredentialAccount, Field, Preferences, Source
from roost.accounts.roles import account_roles, role_entity
from roost.accounts.tables import accounts, users
from roost.db import Database
from roost.db.prepared import any_of
from roost.errors import NotFound
from roost.graph.tables import follow_requests
from roost.timeutil import iso, iso_date

ACCOUNT_COLUMNS = list(accounts.c)
# The local user's staff role beside an accounts row, read in the same statement:
# Account.roles shows it. NULL for no role (and for an account with no local user).
ROLE = (
    sa.select(users.c.role)
    .where(users.c.account_id == accounts.c.id)
    .scalar_subquery()
    .label("role")
)


# The columns an Account entity is made of, but for its counts and last_status_at.
_SHAPE = ("username", "display_name", "note_html", "avatar", "header", "locked", "bot",
          "discoverable", "indexable", "hide_collections", "suspended_at", "created_at",
          "fields", "avatar_static", "header_static", "avatar_description",
          "header_description")  # fmt: skip
_shape_of = operator.attrgetter(*_SHAPE)
_MADE: dict[tuple[int, str], tuple[tuple[Any, ...], Account]] = {}
_MADE_MAX = 20_000


def account_entity(row: Any, base_url: str) -> Account:
    """One accounts row as the Account entity (viewer-independent).

    Memoised on the row's content: building the entity was a fifth of a home timeline
    request's CPU (py-spy), while between two reads of an account usually only its
    counts change. What is returned always matches the row given."""
    key = (row.id, base_url)
    shape = (*_shape_of(row), getattr(row, "role", None))
    made = _MADE.get(key)
    if made is not None and made[0] == shape:
        return msgspec.structs.replace(
            made[1],
            statuses_count=row.statuses_count,
            followers_count=row.followers_count,
            following_count=row.following_count,
            last_status_at=iso_date(row.last_status_at),
        )
    entity = _account_entity(row, base_url)
    if len(_MADE) >= _MADE_MAX:
        _MADE.clear()
    _MADE[key] = (shape, entity)
    return entity


def _account_entity(row: Any, base_url: str) -> Account:
    username = row.username
    avatar = row.avatar or f"{base_url}/static/avatar.png"
    header = row.header or f"{base_url}/static/header.png"
    return Account(
        id=str(row.id),
        username=username,
        acct=username,
        url=f"{base_url}/@{username}",
        uri=f"{base_url}/users/{username}",
        display_name=row.display_name,
        note=row.note_html,
        avatar=avatar,
        avatar_static=row.avatar_static or avatar,
        header=header,
        header_static=row.header_static or header,
        avatar_description=row.avatar_description or "",
        header_description=row.header_description or "",
        locked=bool(row.locked),
        fields=[Field(name=f["name"], value=f.get("value_html", f["value"])) for f in row.fields],
        emojis=[],
        bot=bool(row.bot),
        group=False,
        discoverable=bool(row.discoverable),
        indexable=bool(row.indexable),
        hide_collections=bool(row.hide_collections),
        noindex=not bool(row.indexable),
        created_at=iso(row.created_at.replace(hour=0, minute=0, second=0, microsecond=0)),
        last_status_at=iso_date(row.last_status_at),
        statuses_count=row.statuses_count,
        followers_count=row.followers_count,
        following_count=row.following_count,
        suspended=True if row.suspended_at is not None else None,
        # Rows read without the role (ROLE) show none.
        roles=[] if row.suspended_at is not None else account_roles(getattr(row, "role", None)),
    )


async def render_accounts(db: Database, ids: Iterable[int], base_url: str) -> dict[int, Account]:
    """Account entities for `ids`, in one query. Accounts not shown (suspended, awaiting
    approval) are left out."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await db.fetch_all(_shown_accounts(), {"ids": wanted})
    return {row.id: account_entity(row, base_url) for row in rows}


async def render_authors(
    db: Database, ids: Iterable[int], base_url: str
) -> tuple[dict[int, Account], set[int]]:
    """`render_accounts`, and which of them a moderator marked sensitive (their posts
    show as sensitive to others: roost.statuses.render), from the same query."""
    wanted = list(set(ids))
    if not wanted:
        return {}, set()
    rows = await db.fetch_all(_shown_accounts(), {"ids": wanted})
    sensitized = {row.id for row in rows if row.sensitized_at is not None}
    return {row.id: account_entity(row, base_url) for row in rows}, sensitized


@functools.cache
def _shown_accounts() -> sa.Select[Any]:
    return sa.select(accounts, ROLE).where(any_of(accounts.c.id, "ids"), account_shown())


async def access_account(db: Database, account_id: int) -> Any | None:
    """An account row by id; None if unknown, suspended or awaiting approval."""
    return await db.fetch_one(_shown_account(), {"id": account_id})


@functools.cache
def _shown_account() -> sa.Select[Any]:
    return sa.select(accounts, ROLE).where(
        accounts.c.id == sa.bindparam("id", type_=sa.BigInteger), account_shown()
    )


async def access_account_by_username(db: Database, username: str) -> Any | None:
    """An account row by username (case-insensitive; `name@this.domain` accepted)."""
    name = username.lstrip("@").split("@", 1)[0].lower()
    return await db.fetch_one(
        sa.select(accounts, ROLE).where(
            accounts.c.username_lower == name, accounts.c.suspended_at.is_(None)
        )
    )


async def render_credential_account(
    db: Database, account_id: int, base_url: str
) -> CredentialAccount:
    """The viewer's own account with `source` (verify_credentials, update_credentials)."""
    row = await db.fetch_one(
        sa.select(
            *ACCOUNT_COLUMNS,
            users.c.role,
            users.c.default_visibility,
            users.c.default_sensitive,
            users.c.default_language,
            sa.select(sa.func.count())
            .select_from(follow_requests)
            .where(follow_requests.c.target_account_id == accounts.c.id)
            .scalar_subquery()
            .label("follow_requests_count"),
        )
        .select_from(accounts.join(users, users.c.account_id == accounts.c.id))
        .where(accounts.c.id == account_id)
    )
    assert row is not None, "a token's account exists (tokens cascade with accounts)"
    base = account_entity(row, base_url)
    fields = [Field(name=f["name"], value=f["value"]) for f in row.fields]
    return CredentialAccount(
        **{f: getattr(base, f) for f in base.__struct_fields__},
        source=Source(
            note=row.note,
            fields=fields,
            privacy=row.default_visibility,
            sensitive=bool(row.default_sensitive),
            language=row.default_language,
            follow_requests_count=row.follow_requests_count,
            hide_collections=bool(row.hide_collections),
            discoverable=bool(row.discoverable),
            indexable=bool(row.indexable),
        ),
        role=role_entity(row.role),
    )


def account_shown(a: FromClause = accounts) -> ColumnElement[bool]:
    """SQL condition: the account row `a` is shown at all (not suspended, and not a
    registration still waiting for approval)."""
    return sa.and_(
        a.c.suspended_at.is_(None),
        ~sa.exists().where(users.c.account_id == a.c.id, users.c.approved.is_(False)),
    )


async def access_shown_account(db: Database, account_id: int) -> Any:
    """An account row by id; NotFound if unknown, suspended or awaiting approval."""
    row = await access_account(db, account_id)
    if row is None:
        raise NotFound()
    return row


def local_username(acct: str, domain: str) -> str | None:
    """`name`, `@name` or `name@<our domain>` → `name`; None for another server's account."""
    name, _, host = acct.strip().removeprefix("@").partition("@")
    if host and host.lower() != domain.lower():
        return None
    return name or None


async def access_account_by_acct(db: Database, acct: str, domain: str) -> Any:
    """An account row by its acct (`name` or `name@<our domain>`); NotFound otherwise."""
    name = local_username(acct, domain)
    if name is None or len(name) > 30:
        raise NotFound()
    row = await db.fetch_one(
        sa.select(accounts, ROLE).where(accounts.c.username_lower == name.lower(), account_shown())
    )
    if row is None:
        raise NotFound()
    return row


async def render_preferences(db: Database, account_id: int) -> Preferences:
    """The posting and reading defaults of a local account."""
    row = await db.fetch_one(sa.select(users).where(users.c.account_id == account_id))
    if row is None:
        raise NotFound()
    return Preferences(
        posting_visibility=row.default_visibility,
        posting_sensitive=bool(row.default_sensitive),
        posting_language=row.default_language,
        expand_media=row.expand_media,
        expand_spoilers=bool(row.expand_spoilers),
    )
