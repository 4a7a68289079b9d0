"""The CSV exports, in Mastodon's formats (app/models/export.rb): follows, lists, blocks,
mutes, domain blocks and bookmarks; and the counts the export page shows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from roost.accounts.tables import accounts
from roost.db import Database
from roost.graph.tables import account_domain_blocks, blocks, follows, mutes
from roost.lists.tables import list_accounts, lists
from roost.media.tables import media_attachments
from roost.statuses.tables import bookmarks, statuses

KINDS = ("follows", "lists", "blocks", "mutes", "domain_blocks", "bookmarks")


@dataclass(frozen=True)
class ExportCounts:
    """What the export page lists, as Mastodon's does."""

    statuses: int
    following: int
    followers: int
    lists: int
    blocks: int
    mutes: int
    domain_blocks: int
    bookmarks: int
    media_bytes: int


def _count(table: sa.Table, owner: int) -> sa.ScalarSelect[Any]:
    return (
        sa.select(sa.func.count()).select_from(table).where(table.c.account_id == owner)
    ).scalar_subquery()


async def export_counts(db: Database, account_id: int) -> ExportCounts:
    """The counts of everything one can export, in one query."""
    media = (
        sa.select(sa.func.coalesce(sa.func.sum(media_attachments.c.file_size), 0))
        .where(media_attachments.c.account_id == account_id)
        .scalar_subquery()
    )
    row = await db.fetch_one(
        sa.select(
            accounts.c.statuses_count,
            accounts.c.following_count,
            accounts.c.followers_count,
            _count(lists, account_id).label("lists"),
            _count(blocks, account_id).label("blocks"),
            _count(mutes, account_id).label("mutes"),
            _count(account_domain_blocks, account_id).label("domain_blocks"),
            _count(bookmarks, account_id).label("bookmarks"),
            media.label("media"),
        ).where(accounts.c.id == account_id)
    )
    assert row is not None
    return ExportCounts(
        statuses=int(row.statuses_count),
        following=int(row.following_count),
        followers=int(row.followers_count),
        lists=int(row.lists),
        blocks=int(row.blocks),
        mutes=int(row.mutes),
        domain_blocks=int(row.domain_blocks),
        bookmarks=int(row.bookmarks),
        media_bytes=int(row.media),
    )


def _csv(header: Sequence[str] | None, rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(header)
    for row in rows:
        writer.writerow(["true" if v is True else "false" if v is False else v for v in row])
    return out.getvalue()


def acct(username: str, domain: str) -> str:
    """An account's address as Mastodon exports a local one: `user@domain`."""
    return f"{username}@{domain}"


def _edges(table: sa.Table, owner: int, *extra: sa.ColumnElement[Any]) -> sa.Select[Any]:
    return (
        sa.select(accounts.c.username, *extra)
        .select_from(table.join(accounts, accounts.c.id == table.c.target_account_id))
        .where(table.c.account_id == owner)
        .order_by(table.c.id.desc())
    )


async def export_csv(db: Database, account_id: int, kind: str, domain: str, base_url: str) -> str:
    """One export (`kind` in KINDS) as Mastodon writes it."""
    if kind == "follows":
        rows = await db.fetch_all(
            _edges(follows, account_id, follows.c.show_reblogs, follows.c.notify)
        )
        return _csv(
            ("Account address", "Show boosts", "Notify on new posts", "Languages"),
            ((acct(r.username, domain), bool(r.show_reblogs), bool(r.notify), "") for r in rows),
        )
    if kind == "blocks":
        rows = await db.fetch_all(_edges(blocks, account_id))
        return _csv(None, ((acct(r.username, domain),) for r in rows))
    if kind == "mutes":
        rows = await db.fetch_all(_edges(mutes, account_id, mutes.c.hide_notifications))
        return _csv(
            ("Account address", "Hide notifications"),
            ((acct(r.username, domain), bool(r.hide_notifications)) for r in rows),
        )
    if kind == "domain_blocks":
        domains = await db.scalars(
            sa.select(account_domain_blocks.c.domain)
            .where(account_domain_blocks.c.account_id == account_id)
            .order_by(account_domain_blocks.c.id)
        )
        return _csv(None, ((d,) for d in domains))
    if kind == "bookmarks":
        rows = await db.fetch_all(
            sa.select(statuses.c.id, accounts.c.username)
            .select_from(
                bookmarks.join(statuses, statuses.c.id == bookmarks.c.status_id).join(
                    accounts, accounts.c.id == statuses.c.account_id
                )
            )
            .where(bookmarks.c.account_id == account_id)
            .order_by(bookmarks.c.id.desc())
        )
        return _csv(None, ((status_uri(base_url, r.username, r.id),) for r in rows))
    if kind == "lists":
        rows = await db.fetch_all(
            sa.select(lists.c.title, accounts.c.username)
            .select_from(
                lists.join(list_accounts, list_accounts.c.list_id == lists.c.id).join(
                    accounts, accounts.c.id == list_accounts.c.account_id
                )
            )
            .where(lists.c.account_id == account_id)
            .order_by(lists.c.id, accounts.c.username_lower)
        )
        return _csv(None, ((r.title, acct(r.username, domain)) for r in rows))
    raise ValueError(f"no such export: {kind}")


def status_uri(base_url: str, username: str, status_id: int) -> str:
    """A local status's ActivityPub id (Status.uri), which bookmark exports hold."""
    return f"{base_url}/users/{username}/statuses/{status_id}"
