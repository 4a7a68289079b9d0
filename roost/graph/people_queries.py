"""Finding people: featured accounts, followers one knows, the profile directory and
follow suggestions; and one's blocked domains. Each answer is one query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from roost.accounts.queries import account_shown
from roost.accounts.tables import accounts
from roost.db import Database
from roost.graph.queries import EdgePage, edge_page
from roost.graph.tables import (
    account_domain_blocks,
    account_pins,
    blocks,
    follow_requests,
    follows,
    mutes,
    suggestion_dismissals,
)

MAX_FAMILIAR = 40  # followers one knows, per account


async def access_endorsements(
    db: Database, account_id: int, *, max_id: int | None, since_id: int | None, limit: int
) -> EdgePage:
    """A page of the accounts `account_id` features (while it follows them)."""
    still_following = sa.exists().where(
        follows.c.account_id == account_pins.c.account_id,
        follows.c.target_account_id == account_pins.c.target_account_id,
    )
    return await edge_page(
        db, account_pins, outgoing=True, account_id=account_id, max_id=max_id,
        since_id=since_id, min_id=None, limit=limit, extra=(still_following,),
    )  # fmt: skip


async def familiar_followers(db: Database, viewer_id: int, ids: list[int]) -> dict[int, list[int]]:
    """For each of `ids`: its followers whom the viewer follows (none when the account
    hides its collections), as Mastodon's FamiliarFollowersPresenter."""
    if not ids:
        return {}
    mine = sa.select(follows.c.target_account_id).where(follows.c.account_id == viewer_id)
    follower = accounts.alias("follower")
    target = accounts.alias("target")
    rows = await db.fetch_all(
        sa.select(follows.c.target_account_id.label("of"), follows.c.account_id.label("who"))
        .join(follower, follower.c.id == follows.c.account_id)
        .join(target, target.c.id == follows.c.target_account_id)
        .where(
            follows.c.target_account_id.in_(ids),
            follows.c.account_id.in_(mine),
            follower.c.hide_collections.is_(False),
            target.c.hide_collections.is_(False),
            account_shown(follower),
        )
        .order_by(follows.c.id.desc())
    )
    out: dict[int, list[int]] = {i: [] for i in ids}
    for r in rows:
        if len(out[r.of]) < MAX_FAMILIAR:
            out[r.of].append(r.who)
    return out


def _excluded(viewer_id: int | None, column: Any) -> list[sa.ColumnElement[bool]]:
    """Conditions leaving out accounts the viewer blocks, mutes or is blocked by."""
    if viewer_id is None:
        return []
    return [
        ~column.in_(sa.select(blocks.c.target_account_id).where(blocks.c.account_id == viewer_id)),
        ~column.in_(sa.select(blocks.c.account_id).where(blocks.c.target_account_id == viewer_id)),
        ~column.in_(sa.select(mutes.c.target_account_id).where(mutes.c.account_id == viewer_id)),
    ]


async def directory(
    db: Database, viewer_id: int | None, *, order: str, offset: int, limit: int
) -> list[int]:
    """Discoverable accounts, the recently active (`active`) or the newest (`new`) first."""
    ordering = (
        [accounts.c.id.desc()]
        if order == "new"
        else [accounts.c.last_status_at.is_(None), accounts.c.last_status_at.desc(),
              accounts.c.id.desc()]
    )  # fmt: skip
    shown = [accounts.c.discoverable.is_(True), account_shown()]
    query = (
        sa.select(accounts.c.id)
        .where(*shown, *_excluded(viewer_id, accounts.c.id))
        .order_by(*ordering)
        .offset(offset)
        .limit(limit)
    )
    return list(await db.scalars(query))


@dataclass(frozen=True)
class Suggested:
    account_id: int
    sources: list[str]


async def suggestions(db: Database, viewer_id: int, limit: int) -> list[Suggested]:
    """Whom the viewer might follow: accounts followed by those they follow, most such
    followers first (`friends_of_friends`), then the most followed (`most_followed`);
    never themselves, anyone they follow, asked to follow, block, mute or dismissed."""
    taken = sa.union(
        sa.select(sa.literal(viewer_id, sa.BigInteger)),
        sa.select(follows.c.target_account_id).where(follows.c.account_id == viewer_id),
        sa.select(follow_requests.c.target_account_id).where(
            follow_requests.c.account_id == viewer_id
        ),
        sa.select(suggestion_dismissals.c.target_account_id).where(
            suggestion_dismissals.c.account_id == viewer_id
        ),
    )
    friend = follows.alias("friend")
    theirs = follows.alias("theirs")
    fof = (
        sa.select(theirs.c.target_account_id.label("id"), sa.func.count().label("n"))
        .select_from(friend.join(theirs, theirs.c.account_id == friend.c.target_account_id))
        .where(friend.c.account_id == viewer_id, theirs.c.target_account_id.not_in(taken))
        .group_by(theirs.c.target_account_id)
        .subquery()
    )
    query = (
        sa.select(accounts.c.id, fof.c.n)
        .select_from(accounts.outerjoin(fof, fof.c.id == accounts.c.id))
        .where(
            accounts.c.discoverable.is_(True),
            account_shown(),
            accounts.c.id.not_in(taken),
            sa.or_(fof.c.n.is_not(None), accounts.c.followers_count > 0),
            *_excluded(viewer_id, accounts.c.id),
        )
        .order_by(sa.func.coalesce(fof.c.n, 0).desc(), accounts.c.followers_count.desc(),
                  accounts.c.id.desc())
        .limit(limit)
    )  # fmt: skip
    return [
        Suggested(r.id, ["friends_of_friends"] if r.n else ["most_followed"])
        for r in await db.fetch_all(query)
    ]


async def access_domain_blocks(
    db: Database, viewer_id: int, *, max_id: int | None, since_id: int | None,
    min_id: int | None, limit: int,
) -> list[Any]:  # fmt: skip
    """A page of the viewer's blocked domains (rows with `id` and `domain`), newest first."""
    t = account_domain_blocks
    query = sa.select(t.c.id, t.c.domain).where(t.c.account_id == viewer_id)
    if max_id is not None:
        query = query.where(t.c.id < max_id)
    if since_id is not None:
        query = query.where(t.c.id > since_id)
    if min_id is not None:
        query = query.where(t.c.id > min_id).order_by(t.c.id.asc())
    else:
        query = query.order_by(t.c.id.desc())
    return sorted(await db.fetch_all(query.limit(limit)), key=lambda r: r.id, reverse=True)
