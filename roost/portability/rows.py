"""One imported row's effect, through the action a person's click would run
(Mastodon's BulkImportRowService)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from roost.db import Database
from roost.errors import Invalid
from roost.graph.actions import do_block, do_follow, do_mute
from roost.graph.people import do_block_domain
from roost.graph.tables import follows
from roost.lists.actions import do_add_members
from roost.lists.tables import lists
from roost.statuses.actions import do_bookmark


@dataclass(frozen=True)
class RowOutcome:
    ok: bool
    value: str = ""
    reason: str = ""


OK = RowOutcome(True)


async def apply_row(
    db: Database,
    owner: int,
    kind: str,
    data: dict[str, Any],
    target: int | None,
    domain: str,
    status_id_of: Callable[[str, str], int | None],
) -> RowOutcome:
    """Apply one row for `owner` (`target`: the row's resolved account, for account rows).
    RoostError from an action (a block in the way, a post one may not see) is the row's
    failure, which the caller records."""
    if kind == "following":
        assert target is not None
        await do_follow(db, owner, target, reblogs=data.get("show_reblogs"),
                        notify_posts=data.get("notify"))  # fmt: skip
        return OK
    if kind == "blocking":
        assert target is not None
        await do_block(db, owner, target)
        return OK
    if kind == "muting":
        assert target is not None
        hide = data.get("hide_notifications")
        await do_mute(db, owner, target, notifications=True if hide is None else bool(hide))
        return OK
    if kind == "domain_blocking":
        value = str(data.get("domain") or "")
        if not value:
            return RowOutcome(False, value, "No domain")
        await do_block_domain(db, owner, value, domain)
        return OK
    if kind == "bookmarks":
        uri = str(data.get("uri") or "")
        status_id = status_id_of(uri, domain)
        if status_id is None:
            return RowOutcome(False, uri, "Not a post on this server")
        await do_bookmark(db, owner, status_id, True)
        return OK
    if kind == "lists":
        assert target is not None
        return await _list_member(db, owner, data, target)
    raise Invalid("Unknown import type")


async def _list_member(db: Database, owner: int, data: dict[str, Any], target: int) -> RowOutcome:
    title = str(data.get("list_name") or "")
    acct = str(data.get("acct") or "")
    list_id = await db.scalar(
        sa.select(lists.c.id)
        .where(lists.c.account_id == owner, lists.c.title == title)
        .order_by(lists.c.id)
        .limit(1)
    )
    if list_id is None:
        return RowOutcome(False, f"{title}: {acct}", "The list could not be made")
    if target == owner:
        return RowOutcome(False, f"{title}: {acct}", "You cannot add yourself to a list")
    # Only followed accounts may be in a list: Mastodon's import follows them first.
    followed = await db.scalar(
        sa.select(follows.c.id).where(
            follows.c.account_id == owner, follows.c.target_account_id == target
        )
    )
    if followed is None:
        await do_follow(db, owner, target)
    await do_add_members(db, owner, int(list_id), [target])
    return OK
