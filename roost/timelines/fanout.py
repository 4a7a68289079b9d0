"""Fan-out on write: put a new status into the home feeds of those who should see it.

Runs inside the posting transaction as one INSERT ... SELECT per post (not one write per
follower). Which followers get it follows Mastodon's home-feed rules: replies reach only
those who also follow the replied-to account; reblogs skip followers who turned reblogs off
and the original's author; direct posts reach only mentioned followers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from roost.db import Transaction
from roost.graph.tables import follows
from roost.timelines.tables import home_feed


async def fan_out_status(
    tx: Transaction,
    *,
    status_id: int,
    author_id: int,
    visibility: str,
    in_reply_to_account_id: int | None,
    mentioned: Sequence[int],
    reblog_of: Any | None = None,
) -> None:
    """Write `status_id` into the author's own feed and every recipient's feed."""
    await tx.execute(
        home_feed.insert().values(owner_id=author_id, status_id=status_id, author_id=author_id)
    )
    f = follows.alias("f")
    cond = [f.c.target_account_id == author_id, f.c.account_id != author_id]
    if visibility == "direct":
        if not mentioned:
            return
        cond.append(f.c.account_id.in_(list(mentioned)))
    if in_reply_to_account_id is not None and in_reply_to_account_id != author_id:
        also = follows.alias("also")
        cond.append(
            sa.or_(
                f.c.account_id == in_reply_to_account_id,
                sa.exists().where(
                    also.c.account_id == f.c.account_id,
                    also.c.target_account_id == in_reply_to_account_id,
                ),
            )
        )
    if reblog_of is not None:
        cond.append(f.c.show_reblogs.is_(True))
        cond.append(f.c.account_id != reblog_of.account_id)
    select = sa.select(
        f.c.account_id, sa.literal(status_id, sa.BigInteger), sa.literal(author_id, sa.BigInteger)
    ).where(*cond)
    await tx.execute(home_feed.insert().from_select(["owner_id", "status_id", "author_id"], select))
