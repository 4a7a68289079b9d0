"""Reading the social graph: relationships in batches, and paged lists of followers,
followees, follow requests, blocks and mutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from roost.accounts.queries import account_shown
from roost.accounts.tables import accounts
from roost.db import Database
from roost.graph.entities import Relationship
from roost.graph.tables import (
    account_notes,
    account_pins,
    blocks,
    follow_requests,
    follows,
    mutes,
)
from roost.timeutil import iso_or_none, utcnow


def mute_active(now: Any = None) -> sa.ColumnElement[bool]:
    """SQL condition: a mutes row has not expired by `now` (a datetime, a bind parameter
    standing for one, or None for the current time)."""
    return sa.or_(
        mutes.c.expires_at.is_(None), mutes.c.expires_at > (utcnow() if now is None else now)
    )


async def render_relationships(
    db: Database, viewer_id: int, ids: list[int], *, with_suspended: bool = False
) -> list[Relationship]:
    """The viewer's Relationship with each of `ids` (in that order, unknown accounts left
    out), computed in one query however many ids."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    no_bool = sa.cast(sa.null(), sa.Boolean)
    no_time = sa.cast(sa.null(), sa.DateTime)
    no_text = sa.cast(sa.null(), sa.Text)

    def edge(
        kind: str,
        table: sa.Table,
        outgoing: bool,
        a: Any = no_bool,
        b: Any = no_bool,
        expires: Any = no_time,
        text: Any = no_text,
    ) -> sa.Select[Any]:
        mine, theirs = (
            (table.c.account_id, table.c.target_account_id)
            if outgoing
            else (table.c.target_account_id, table.c.account_id)
        )
        return sa.select(
            sa.literal(kind, sa.String).label("kind"),
            theirs.label("other"),
            a.label("a"),
            b.label("b"),
            expires.label("expires"),
            text.label("text"),
        ).where(mine == viewer_id, theirs.in_(wanted))

    exists = sa.select(
        sa.literal("exists", sa.String).label("kind"),
        accounts.c.id.label("other"),
        no_bool.label("a"),
        no_bool.label("b"),
        no_time.label("expires"),
        no_text.label("text"),
    ).where(accounts.c.id.in_(wanted), sa.true() if with_suspended else account_shown())
    query = sa.union_all(
        exists,
        edge("following", follows, True, follows.c.show_reblogs, follows.c.notify),
        edge("followed_by", follows, False),
        edge("requested", follow_requests, True, follow_requests.c.show_reblogs,
             follow_requests.c.notify),
        edge("requested_by", follow_requests, False),
        edge("blocking", blocks, True),
        edge("blocked_by", blocks, False),
        edge("muting", mutes, True, mutes.c.hide_notifications, no_bool,
             mutes.c.expires_at).where(mute_active(utcnow())),
        edge("endorsed", account_pins, True),
        edge("note", account_notes, True, text=account_notes.c.comment),
    )  # fmt: skip
    found: dict[int, dict[str, Any]] = {}
    for row in await db.fetch_all(query):
        found.setdefault(row.other, {})[row.kind] = row
    out = []
    for account_id in wanted:
        kinds = found.get(account_id, {})
        if "exists" not in kinds:
            continue
        follow = kinds.get("following") or kinds.get("requested")
        mute = kinds.get("muting")
        out.append(
            Relationship(
                id=str(account_id),
                following="following" in kinds,
                showing_reblogs=bool(follow and follow.a),
                notifying=bool(follow and follow.b),
                languages=None,
                followed_by="followed_by" in kinds,
                blocking="blocking" in kinds,
                blocked_by="blocked_by" in kinds,
                muting=mute is not None,
                muting_notifications=bool(mute and mute.a),
                muting_expires_at=iso_or_none(mute.expires) if mute else None,
                requested="requested" in kinds,
                requested_by="requested_by" in kinds,
                domain_blocking=False,
                endorsed="endorsed" in kinds and "following" in kinds,
                note=kinds["note"].text if "note" in kinds else "",
            )
        )
    return out


async def render_relationship(db: Database, viewer_id: int, account_id: int) -> Relationship:
    """The viewer's Relationship with one account (which must exist)."""
    found = await render_relationships(db, viewer_id, [account_id], with_suspended=True)
    assert found, "callers pass an account they just looked up"
    return found[0]


@dataclass(frozen=True)
class EdgePage:
    """One page of a graph list: the accounts in order, and the edge ids for Link headers."""

    account_ids: list[int]
    first_id: int | None
    last_id: int | None
    expires: dict[int, datetime | None]  # mutes only: account id → mute expiry


async def edge_page(
    db: Database,
    table: sa.Table,
    *,
    outgoing: bool,
    account_id: int,
    max_id: int | None,
    since_id: int | None,
    min_id: int | None,
    limit: int,
    extra: tuple[sa.ColumnElement[bool], ...] = (),
) -> EdgePage:
    """A page of `table`'s edges from (`outgoing`) or to `account_id`, newest first, paged
    by the edge id as Mastodon does; accounts not shown are skipped."""
    mine, theirs = (
        (table.c.account_id, table.c.target_account_id)
        if outgoing
        else (table.c.target_account_id, table.c.account_id)
    )
    columns = [table.c.id, theirs.label("other")]
    if table is mutes:
        columns.append(mutes.c.expires_at)
    query = (
        sa.select(*columns)
        .select_from(table.join(accounts, accounts.c.id == theirs))
        .where(mine == account_id, account_shown(), *extra)
    )
    if max_id is not None:
        query = query.where(table.c.id < max_id)
    if since_id is not None:
        query = query.where(table.c.id > since_id)
    if min_id is not None:
        query = query.where(table.c.id > min_id).order_by(table.c.id.asc())
    else:
        query = query.order_by(table.c.id.desc())
    rows = sorted(await db.fetch_all(query.limit(limit)), key=lambda r: r.id, reverse=True)
    return EdgePage(
        account_ids=[r.other for r in rows],
        first_id=rows[0].id if rows else None,
        last_id=rows[-1].id if rows else None,
        expires={r.other: r.expires_at for r in rows} if table is mutes else {},
    )


async def access_follow_list(
    db: Database,
    viewer_id: int | None,
    account_id: int,
    *,
    followers: bool,
    max_id: int | None,
    since_id: int | None,
    min_id: int | None,
    limit: int,
) -> EdgePage:
    """A page of an account's followers (or followees). Empty for others when the account
    hides its collections or blocks the viewer, as Mastodon answers."""
    if viewer_id != account_id:
        hidden: list[sa.ColumnElement[bool]] = [
            sa.exists().where(accounts.c.id == account_id, accounts.c.hide_collections.is_(True))
        ]
        if viewer_id is not None:
            hidden.append(
                sa.exists().where(
                    blocks.c.account_id == account_id, blocks.c.target_account_id == viewer_id
                )
            )
        if await db.fetch_one(sa.select(sa.literal(1)).where(sa.or_(*hidden))) is not None:
            return EdgePage([], None, None, {})
    return await edge_page(
        db,
        follows,
        outgoing=not followers,
        account_id=account_id,
        max_id=max_id,
        since_id=since_id,
        min_id=min_id,
        limit=limit,
    )


async def access_own_list(
    db: Database,
    viewer_id: int,
    kind: str,
    *,
    max_id: int | None,
    since_id: int | None,
    min_id: int | None,
    limit: int,
) -> EdgePage:
    """A page of the viewer's own `blocks`, `mutes` (unexpired) or follow `requests`
    (accounts asking to follow the viewer)."""
    table, outgoing, extra = {
        "requests": (follow_requests, False, ()),
        "mutes": (mutes, True, (mute_active(utcnow()),)),
        "blocks": (blocks, True, ()),
    }[kind]
    return await edge_page(
        db,
        table,
        outgoing=outgoing,
        account_id=viewer_id,
        max_id=max_id,
        since_id=since_id,
        min_id=min_id,
        limit=limit,
        extra=extra,
    )
