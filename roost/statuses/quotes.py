"""Quote posts (Mastodon 4.5): who may quote what, listing a post's quotes, revoking one.

A post may be quoted by whoever may see it, if it is public or unlisted and its policy
(`quote_approval_policy`) allows them: `public` anyone, `followers` its author's followers,
`nobody` no one; its author may always quote it. Roost has no manual approval yet, so a
quote is accepted at once or refused (422)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from roost.db import Database
from roost.errors import Invalid, NotFound
from roost.graph.tables import follows
from roost.notifications.actions import notify
from roost.statuses.queries import access_status
from roost.statuses.render import status_key
from roost.statuses.tables import statuses

QUOTE_POLICIES = ("public", "followers", "nobody")


async def check_quotable(db: Database, quoter_id: int, status_id: int) -> Any:
    """The status `quoter_id` may quote (a repost stands for its original); NotFound when
    they may not see it, Invalid when they may see it but not quote it."""
    quoted = await access_status(db, quoter_id, status_id)
    if quoted.reblog_of_id is not None:
        quoted = await access_status(db, quoter_id, quoted.reblog_of_id)
    if quoted.account_id == quoter_id:
        return quoted
    if quoted.visibility not in ("public", "unlisted"):
        raise Invalid("Only public and unlisted posts can be quoted")
    if quoted.quote_policy == "nobody":
        raise Invalid("The author does not allow quotes of this post")
    if quoted.quote_policy == "followers":
        following = await db.scalar(
            sa.select(follows.c.id).where(
                follows.c.account_id == quoter_id,
                follows.c.target_account_id == quoted.account_id,
            )
        )
        if following is None:
            raise Invalid("Only the author's followers may quote this post")
    return quoted


async def quotes_of(
    db: Database, author_id: int, status_id: int, *, max_id: int | None, limit: int
) -> list[int]:
    """Ids of the standing quotes of one's own status, newest first (NotFound for a post
    that is not one's own)."""
    quoted = await access_status(db, author_id, status_id)
    if quoted.account_id != author_id:
        raise NotFound()
    query = sa.select(statuses.c.id).where(
        statuses.c.quote_of_id == status_id, statuses.c.quote_state == "accepted"
    )
    if max_id is not None:
        query = query.where(statuses.c.id < max_id)
    return list(await db.scalars(query.order_by(statuses.c.id.desc()).limit(limit)))


async def do_revoke_quote(db: Database, author_id: int, status_id: int, quoting_id: int) -> None:
    """The quoted post's author takes their post out of someone's quote of it."""
    quoted = await access_status(db, author_id, status_id)
    if quoted.account_id != author_id:
        raise NotFound()
    async with db.transaction() as tx:
        done = await tx.execute(
            statuses.update()
            .where(
                statuses.c.id == quoting_id,
                statuses.c.quote_of_id == status_id,
                statuses.c.quote_state == "accepted",
            )
            .values(quote_state="revoked")
        )
        if done.rowcount == 0:
            raise NotFound()
        await tx.execute(
            statuses.update()
            .where(statuses.c.id == status_id, statuses.c.quotes_count > 0)
            .values(quotes_count=statuses.c.quotes_count - 1)
        )
        tx.invalidate(status_key(status_id), status_key(quoting_id))


async def do_set_quote_policy(db: Database, author_id: int, status_id: int, policy: str) -> None:
    """Change who may quote one's own status (quotes already made stand)."""
    if policy not in QUOTE_POLICIES:
        raise Invalid("Quote approval policy is not included in the list")
    row = await access_status(db, author_id, status_id)
    if row.account_id != author_id or row.reblog_of_id is not None:
        raise NotFound()
    async with db.transaction() as tx:
        await tx.execute(
            statuses.update().where(statuses.c.id == status_id).values(quote_policy=policy)
        )
        tx.invalidate(status_key(status_id))


async def notify_quoters(tx: Any, status_id: int, author_id: int) -> None:
    """A quoted post was edited: a `quoted_update` notification to each who quotes it."""
    quoters = await tx.scalars(
        sa.select(statuses.c.account_id)
        .where(statuses.c.quote_of_id == status_id, statuses.c.quote_state == "accepted")
        .distinct()
    )
    for account_id in quoters:
        await notify(
            tx, account_id=account_id, from_account_id=author_id, type="quoted_update",
            status_id=status_id,
        )  # fmt: skip
