"""Making and changing one's filters, each write one transaction. Every write drops the
owner's cached filters and tells their streams (`filters_changed`), as Mastodon does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from roost.db import Database, Transaction
from roost.errors import Invalid, NotFound
from roost.filters.queries import filters_key
from roost.filters.tables import filter_keywords, filter_statuses, filters
from roost.ids import new_id
from roost.pubsub import Event, encode_event
from roost.statuses.queries import visible_ids
from roost.timeutil import utcnow

CONTEXTS = ("home", "notifications", "public", "thread", "account")
ACTIONS = ("warn", "hide", "blur")
MAX_TITLE = 256  # characters, as Mastodon
MAX_KEYWORD = 512  # characters, as Mastodon
MAX_FILTERS = 200  # per account: every page a viewer reads runs them all
MAX_KEYWORDS = 200  # per filter
MAX_STATUSES = 500  # per filter
MAX_EXPIRES_IN = 100 * 365 * 86400  # seconds
MULTIPLE_KEYWORDS = (
    "These parameters cannot be changed from this application because they apply to more "
    "than one filter keyword. Use a more recent application or the web interface."
)


@dataclass(frozen=True)
class KeywordChange:
    """One of `keywords_attributes[]`: a new keyword, or (with `id`) a change to one, or
    (with `destroy`) its removal."""

    keyword: str | None = None
    whole_word: bool | None = None
    id: int | None = None
    destroy: bool = False


@dataclass(frozen=True)
class FilterChange:
    """What a create or update sets; None leaves a part as it is (on create: the default)."""

    title: str | None = None
    context: Sequence[str] | None = None
    action: str | None = None
    set_expiry: bool = False  # expires_in was given: `expires_in` (None: never)
    expires_in: int | None = None
    keywords: Sequence[KeywordChange] = field(default_factory=tuple)


def check_title(title: str) -> str:
    if not title.strip():
        raise Invalid("Title can't be blank")
    if len(title) > MAX_TITLE:
        raise Invalid(f"Title is too long (maximum is {MAX_TITLE} characters)")
    return title


def check_context(context: Sequence[str]) -> str:
    """The contexts, stripped, deduplicated, as stored (comma-joined)."""
    wanted = list(dict.fromkeys(c.strip() for c in context if c.strip()))
    if not wanted:
        raise Invalid("Context can't be blank, Context None or invalid context supplied")
    if any(c not in CONTEXTS for c in wanted):
        raise Invalid("Context None or invalid context supplied")
    return ",".join(wanted)


def check_action(action: str) -> str:
    if action not in ACTIONS:
        raise Invalid("Filter action is not included in the list")
    return action


def check_keyword(keyword: str | None) -> str:
    if keyword is None or not keyword.strip():
        raise Invalid("Keyword can't be blank")
    if len(keyword) > MAX_KEYWORD:
        raise Invalid(f"Keyword is too long (maximum is {MAX_KEYWORD} characters)")
    return keyword


def expires_at(expires_in: int | None) -> datetime | None:
    if expires_in is None:
        return None
    if expires_in < 1 or expires_in > MAX_EXPIRES_IN:
        raise Invalid("Expires in must be a number of seconds, more than 0")
    return utcnow() + timedelta(seconds=expires_in)


def changed(tx: Transaction, owner_id: int) -> None:
    """After commit: drop the cached filters, tell the owner's streams."""
    tx.invalidate(filters_key(owner_id))
    tx.publish(f"timeline:{owner_id}", encode_event(Event(event="filters_changed")))


async def _owned(tx: Transaction, owner_id: int, filter_id: int) -> Any:
    row = await tx.fetch_one(
        sa.select(filters).where(filters.c.id == filter_id, filters.c.account_id == owner_id)
    )
    if row is None:
        raise NotFound()
    return row


async def _count(
    tx: Transaction, table: sa.Table, column: sa.ColumnElement[Any], value: int
) -> int:
    return int(
        await tx.scalar(sa.select(sa.func.count()).select_from(table).where(column == value))
    )


async def _write_keywords(
    tx: Transaction, filter_id: int, changes: Sequence[KeywordChange]
) -> list[int]:
    """Apply `keywords_attributes[]` to a filter (every one checked before any is
    written); the new keywords' ids."""
    wanted = [c for c in changes if c.id is not None or not c.destroy]
    existing = {}
    if any(c.id is not None for c in wanted):
        rows = await tx.fetch_all(
            sa.select(filter_keywords).where(filter_keywords.c.filter_id == filter_id)
        )
        existing = {r.id: r for r in rows}
    inserts: list[dict[str, Any]] = []
    updates: list[tuple[int, str, bool]] = []
    deletes: list[int] = []
    for c in wanted:
        if c.id is None:
            whole = True if c.whole_word is None else c.whole_word  # Mastodon's default
            inserts.append({"id": new_id(), "filter_id": filter_id,
                            "keyword": check_keyword(c.keyword), "whole_word": whole})  # fmt: skip
            continue
        row = existing.get(c.id)
        if row is None:
            raise NotFound()
        if c.destroy:
            deletes.append(c.id)
        else:
            keyword = row.keyword if c.keyword is None else check_keyword(c.keyword)
            whole = row.whole_word if c.whole_word is None else c.whole_word
            updates.append((c.id, keyword, whole))
    if deletes:
        await tx.execute(filter_keywords.delete().where(filter_keywords.c.id.in_(deletes)))
    for keyword_id, keyword, whole in updates:
        await tx.execute(
            filter_keywords.update()
            .where(filter_keywords.c.id == keyword_id)
            .values(keyword=keyword, whole_word=whole)
        )
    if inserts:
        await tx.execute(filter_keywords.insert(), inserts)
    if await _count(tx, filter_keywords, filter_keywords.c.filter_id, filter_id) > MAX_KEYWORDS:
        raise Invalid(f"A filter has at most {MAX_KEYWORDS} keywords")
    return [int(row["id"]) for row in inserts]


async def do_create_filter(db: Database, owner_id: int, change: FilterChange) -> int:
    """Make a filter with its keywords (a keyword `id` there: NotFound, as Mastodon)."""
    filter_id, _ = await _create(db, owner_id, change)
    return filter_id


async def _create(db: Database, owner_id: int, change: FilterChange) -> tuple[int, list[int]]:
    title = check_title(change.title or "")
    context = check_context(change.context or ())
    action = check_action(change.action or "warn")
    until = expires_at(change.expires_in)
    if any(k.id is not None for k in change.keywords):
        raise NotFound()
    filter_id = new_id()
    async with db.transaction() as tx:
        if await _count(tx, filters, filters.c.account_id, owner_id) >= MAX_FILTERS:
            raise Invalid(f"You cannot have more than {MAX_FILTERS} filters")
        await tx.execute(
            filters.insert(),
            [{"id": filter_id, "account_id": owner_id, "title": title, "context": context,
              "action": action, "expires_at": until, "created_at": utcnow()}],
        )  # fmt: skip
        keyword_ids = await _write_keywords(tx, filter_id, change.keywords)
        changed(tx, owner_id)
    return filter_id, keyword_ids


async def do_update_filter(
    db: Database, owner_id: int, filter_id: int, change: FilterChange
) -> None:
    """Change a filter: what `change` sets, and its keywords."""
    values: dict[str, Any] = {}
    if change.title is not None:
        values["title"] = check_title(change.title)
    if change.context is not None:
        values["context"] = check_context(change.context)
    if change.action is not None:
        values["action"] = check_action(change.action)
    if change.set_expiry:
        values["expires_at"] = expires_at(change.expires_in)
    async with db.transaction() as tx:
        await _owned(tx, owner_id, filter_id)
        if values:
            await tx.execute(filters.update().where(filters.c.id == filter_id).values(**values))
        await _write_keywords(tx, filter_id, change.keywords)
        changed(tx, owner_id)


async def do_delete_filter(db: Database, owner_id: int, filter_id: int) -> None:
    """Delete a filter with its keywords and statuses."""
    async with db.transaction() as tx:
        await _owned(tx, owner_id, filter_id)
        await tx.execute(filter_keywords.delete().where(filter_keywords.c.filter_id == filter_id))
        await tx.execute(filter_statuses.delete().where(filter_statuses.c.filter_id == filter_id))
        await tx.execute(filters.delete().where(filters.c.id == filter_id))
        changed(tx, owner_id)


async def do_add_keyword(
    db: Database, owner_id: int, filter_id: int, keyword: str | None, whole_word: bool | None
) -> int:
    """Add a keyword to one's filter; its id."""
    change = KeywordChange(keyword=check_keyword(keyword), whole_word=whole_word)
    async with db.transaction() as tx:
        await _owned(tx, owner_id, filter_id)
        [keyword_id] = await _write_keywords(tx, filter_id, [change])
        changed(tx, owner_id)
    return keyword_id


async def _owned_keyword(tx: Transaction, owner_id: int, keyword_id: int) -> Any:
    row = await tx.fetch_one(
        sa.select(filter_keywords, filters.c.context, filters.c.action, filters.c.expires_at)
        .join(filters, filters.c.id == filter_keywords.c.filter_id)
        .where(filter_keywords.c.id == keyword_id, filters.c.account_id == owner_id)
    )
    if row is None:
        raise NotFound()
    return row


async def do_update_keyword(
    db: Database, owner_id: int, keyword_id: int, keyword: str | None, whole_word: bool | None
) -> None:
    """Change a keyword of one's filter."""
    if keyword is not None:
        check_keyword(keyword)
    async with db.transaction() as tx:
        row = await _owned_keyword(tx, owner_id, keyword_id)
        change = KeywordChange(keyword=keyword, whole_word=whole_word, id=keyword_id)
        await _write_keywords(tx, row.filter_id, [change])
        changed(tx, owner_id)


async def do_delete_keyword(db: Database, owner_id: int, keyword_id: int) -> None:
    """Remove a keyword from one's filter (the filter stays, as Mastodon's v1 API leaves it)."""
    async with db.transaction() as tx:
        await _owned_keyword(tx, owner_id, keyword_id)
        await tx.execute(filter_keywords.delete().where(filter_keywords.c.id == keyword_id))
        changed(tx, owner_id)


async def do_add_filter_status(db: Database, owner_id: int, filter_id: int, status_id: int) -> int:
    """Filter one post the owner may see; the FilterStatus's id."""
    if not await visible_ids(db, owner_id, [status_id]):
        raise Invalid("Status is invalid")
    row_id = new_id()
    async with db.transaction() as tx:
        await _owned(tx, owner_id, filter_id)
        there = await tx.scalar(
            sa.select(filter_statuses.c.id).where(
                filter_statuses.c.filter_id == filter_id, filter_statuses.c.status_id == status_id
            )
        )
        if there is not None:
            raise Invalid("Status has already been taken")
        if (
            await _count(tx, filter_statuses, filter_statuses.c.filter_id, filter_id)
            >= MAX_STATUSES
        ):
            raise Invalid(f"A filter has at most {MAX_STATUSES} statuses")
        await tx.execute(
            filter_statuses.insert(),
            [{"id": row_id, "filter_id": filter_id, "status_id": status_id}],
        )
        changed(tx, owner_id)
    return row_id


async def do_delete_filter_status(db: Database, owner_id: int, filter_status_id: int) -> None:
    """Stop filtering one post."""
    async with db.transaction() as tx:
        row = await tx.fetch_one(
            sa.select(filter_statuses.c.id)
            .join(filters, filters.c.id == filter_statuses.c.filter_id)
            .where(filter_statuses.c.id == filter_status_id, filters.c.account_id == owner_id)
        )
        if row is None:
            raise NotFound()
        await tx.execute(filter_statuses.delete().where(filter_statuses.c.id == filter_status_id))
        changed(tx, owner_id)


async def do_create_v1_filter(
    db: Database, owner_id: int, phrase: str | None, change: FilterChange, whole_word: bool | None
) -> int:
    """The pre-4.0 API's filter: a filter titled `phrase` with `phrase` as its one keyword;
    the keyword's id (which the V1::Filter carries)."""
    if phrase is None or not phrase.strip():
        raise Invalid("Phrase can't be blank")
    check_keyword(phrase)
    title = phrase[:MAX_TITLE]
    keyword = KeywordChange(keyword=phrase, whole_word=whole_word)
    create = FilterChange(title=title, context=change.context, action=change.action,
                          expires_in=change.expires_in, keywords=[keyword])  # fmt: skip
    _, [keyword_id] = await _create(db, owner_id, create)
    return keyword_id


async def do_update_v1_filter(
    db: Database, owner_id: int, keyword_id: int, phrase: str | None, whole_word: bool | None,
    change: FilterChange,
) -> None:  # fmt: skip
    """Change a V1::Filter: its keyword, and its filter's context, action and expiry unless
    the filter has other keywords (422, as Mastodon)."""
    if phrase is not None:
        check_keyword(phrase)
    async with db.transaction() as tx:
        row = await _owned_keyword(tx, owner_id, keyword_id)
        await _write_keywords(
            tx, row.filter_id, [KeywordChange(keyword=phrase, whole_word=whole_word, id=keyword_id)]
        )
        values: dict[str, Any] = {}
        if change.context is not None and check_context(change.context) != row.context:
            values["context"] = check_context(change.context)
        if change.action is not None and change.action != row.action:
            values["action"] = check_action(change.action)
        if change.set_expiry and (change.expires_in is not None or row.expires_at is not None):
            values["expires_at"] = expires_at(change.expires_in)
        if values:
            others = await _count(tx, filter_keywords, filter_keywords.c.filter_id, row.filter_id)
            if others > 1:
                raise Invalid(MULTIPLE_KEYWORDS)
            await tx.execute(filters.update().where(filters.c.id == row.filter_id).values(**values))
        changed(tx, owner_id)
