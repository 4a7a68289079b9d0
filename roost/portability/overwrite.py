"""What an import does before its rows (Mastodon's BulkImportService): in `overwrite`
mode, undo what the file leaves out (follows, blocks, mutes, domain blocks, bookmarks;
lists not named in it go, the others are emptied); lists named in the file are made."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa

from roost.db import Database
from roost.errors import Invalid, RoostError
from roost.graph.actions import do_unblock, do_unfollow, do_unmute
from roost.graph.people import clean_domain, do_unblock_domain
from roost.graph.tables import account_domain_blocks, blocks, follows, mutes
from roost.lists.actions import do_create_list, do_delete_list, do_remove_members
from roost.lists.tables import list_accounts, lists
from roost.statuses.actions import do_bookmark
from roost.statuses.tables import bookmarks

Resolve = Callable[[Database, list[dict[str, Any]], str], Awaitable[dict[str, int]]]
_EDGES = {
    "following": (follows, do_unfollow),
    "blocking": (blocks, do_unblock),
    "muting": (mutes, do_unmute),
}


async def prepare(
    db: Database,
    owner: int,
    kind: str,
    rows: list[dict[str, Any]],
    *,
    overwrite: bool,
    domain: str,
    resolve: Resolve,
    status_id_of: Callable[[str, str], int | None],
) -> None:
    """Runs once per import, before its first batch; running it again changes nothing."""
    if kind == "lists":
        await _lists(db, owner, rows, overwrite)
        return
    if not overwrite:
        return
    if kind in _EDGES:
        table, undo = _EDGES[kind]
        keep = set((await resolve(db, rows, domain)).values())
        current = await db.scalars(
            sa.select(table.c.target_account_id).where(table.c.account_id == owner)
        )
        for target in current:
            if target not in keep:
                try:
                    await undo(db, owner, int(target))
                except RoostError:  # a suspended account: nothing to undo that shows
                    continue
    elif kind == "domain_blocking":
        wanted = set()
        for r in rows:
            try:
                wanted.add(clean_domain(str(r.get("domain") or ""), domain))
            except Invalid:
                continue
        d = account_domain_blocks.c
        for blocked in await db.scalars(sa.select(d.domain).where(d.account_id == owner)):
            if blocked not in wanted:
                await do_unblock_domain(db, owner, blocked, domain)
    elif kind == "bookmarks":
        keep_ids = {i for r in rows if (i := status_id_of(str(r.get("uri") or ""), domain))}
        b = bookmarks.c
        for status_id in await db.scalars(sa.select(b.status_id).where(b.account_id == owner)):
            if status_id not in keep_ids:
                try:
                    await do_bookmark(db, owner, int(status_id), False)
                except RoostError:  # a post one may no longer see: its bookmark stays
                    continue


async def _lists(db: Database, owner: int, rows: list[dict[str, Any]], overwrite: bool) -> None:
    titles = list(dict.fromkeys(str(r.get("list_name") or "") for r in rows))
    titles = [t for t in titles if t]
    owned = await db.fetch_all(
        sa.select(lists.c.id, lists.c.title).where(lists.c.account_id == owner).order_by(lists.c.id)
    )
    existing = {r.title for r in owned}
    if overwrite:
        for r in owned:
            if r.title not in titles:
                await do_delete_list(db, owner, int(r.id))
                continue
            members = await db.scalars(
                sa.select(list_accounts.c.account_id).where(list_accounts.c.list_id == r.id)
            )
            if members:
                await do_remove_members(db, owner, int(r.id), [int(m) for m in members])
    for title in titles:
        if title not in existing:
            try:
                await do_create_list(db, owner, title)
            except Invalid:  # too many lists, or a bad title: its rows fail
                continue
