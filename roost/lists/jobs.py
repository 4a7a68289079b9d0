"""Jobs that keep list feeds in step with their lists (new posts reach them in the fan-out
job, roost.timelines.jobs):

- `list_feed.merge`: new members' recent posts into a list's feed (when it is present;
  an absent one is rebuilt with them on its next read);
- `list_feed.unmerge`: removed members' entries out of lists' feeds;
- `list_feed.drop`: a deleted list's feed, or one whose replies policy changed (rebuilt
  from SQL under the new policy on its next read).
All are idempotent.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from roost.jobs.context import JobContext
from roost.jobs.registry import job
from roost.lists.feed import list_entries_for
from roost.lists.tables import list_accounts, lists

BACKFILL = 40  # a new member's posts merged in, as a follow merges into home


@job("list_feed.merge")
async def list_feed_merge(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A list's new members' recent posts into its feed."""
    list_id = int(payload["list"])
    owner = await ctx.db.scalar(sa.select(lists.c.account_id).where(lists.c.id == list_id))
    if owner is None or await ctx.list_feeds.page(list_id, limit=1) is None:
        return  # deleted since, or an absent feed whose rebuild will include them
    members = list(
        await ctx.db.scalars(
            sa.select(list_accounts.c.account_id).where(
                list_accounts.c.list_id == list_id,
                list_accounts.c.account_id.in_([int(a) for a in payload["authors"]]),
            )
        )
    )
    if members:
        entries = await list_entries_for(ctx.db, owner, list_id, authors=members, limit=BACKFILL)
        if entries:
            await ctx.list_feeds.fill(list_id, entries)


@job("list_feed.unmerge")
async def list_feed_unmerge(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Removed members' entries (their posts and reposts) out of lists' feeds."""
    for list_id in payload["lists"]:
        for author in payload["authors"]:
            await ctx.list_feeds.remove_author(int(list_id), int(author))


@job("list_feed.drop")
async def list_feed_drop(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A list's feed made absent."""
    await ctx.list_feeds.drop(int(payload["list"]))
