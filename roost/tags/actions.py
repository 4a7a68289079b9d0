"""Following and featuring hashtags. Following a tag brings its public posts into one's
home feed from then on (and its recent ones at once, through a `feed.merge_tag` job);
unfollowing takes out what it alone brought (`feed.unmerge_tag`). Both are idempotent,
and following or featuring a tag nobody used yet creates it, as Mastodon does."""

from __future__ import annotations

import sqlalchemy as sa

from roost.db import Database, Transaction
from roost.db.dialect import insert_or_ignore
from roost.errors import Invalid, NotFound
from roost.ids import new_id
from roost.jobs.queue import enqueue
from roost.search.queries import valid_tag_name
from roost.statuses.tables import tags
from roost.tags.queries import MAX_FEATURED, check_tag_name
from roost.tags.tables import featured_tags, followed_tags
from roost.timeutil import utcnow

_TAG_ID = sa.select(tags.c.id).where(tags.c.name_lower == sa.bindparam("name", type_=sa.String))


async def _tag_id(tx: Transaction, name: str) -> int:
    """The id of tag `name`, made now if nobody used it yet (keeping the case given)."""
    found = await tx.scalar(_TAG_ID, {"name": name.lower()})
    if found is not None:
        return int(found)
    # A concurrent post or follow making the same tag wins quietly.
    await tx.execute(
        insert_or_ignore(tags, tx.dialect, "name_lower"),
        [{"id": new_id(), "name": name, "name_lower": name.lower(), "created_at": utcnow()}],
    )
    return int(await tx.scalar(_TAG_ID, {"name": name.lower()}))


async def do_follow_tag(db: Database, account_id: int, name: str) -> None:
    """Follow hashtag `name` (NotFound if it cannot be one)."""
    name = check_tag_name(name)
    async with db.transaction() as tx:
        tag_id = await _tag_id(tx, name)
        added = await tx.execute(
            insert_or_ignore(followed_tags, tx.dialect, "account_id", "tag_id"),
            [{"id": new_id(), "account_id": account_id, "tag_id": tag_id,
              "created_at": utcnow()}],
        )  # fmt: skip
        if added.rowcount:
            await enqueue(tx, "feed.merge_tag", {"owner": account_id, "tag": tag_id})


async def do_unfollow_tag(db: Database, account_id: int, name: str) -> None:
    """Stop following hashtag `name` (nothing happens if one did not follow it)."""
    name = check_tag_name(name)
    async with db.transaction() as tx:
        tag_id = await tx.scalar(_TAG_ID, {"name": name.lower()})
        if tag_id is None:
            return
        removed = await tx.execute(
            followed_tags.delete().where(
                followed_tags.c.account_id == account_id, followed_tags.c.tag_id == tag_id
            )
        )
        if removed.rowcount:
            await enqueue(tx, "feed.unmerge_tag", {"owner": account_id, "tag": int(tag_id)})


async def do_feature_tag(db: Database, account_id: int, name: str) -> int:
    """Feature hashtag `name` on one's profile (again: nothing changes); the tag's id.
    Invalid for a name that cannot be a hashtag or past MAX_FEATURED tags."""
    name = name.strip().removeprefix("#")
    if not valid_tag_name(name):
        raise Invalid("Name is invalid")
    async with db.transaction() as tx:
        tag_id = await _tag_id(tx, name)
        mine = featured_tags.c.account_id == account_id
        already = await tx.scalar(
            sa.select(featured_tags.c.id).where(mine, featured_tags.c.tag_id == tag_id)
        )
        if already is not None:
            return tag_id
        count = await tx.scalar(sa.select(sa.func.count()).select_from(featured_tags).where(mine))
        if count >= MAX_FEATURED:
            raise Invalid(f"You cannot feature more than {MAX_FEATURED} hashtags")
        await tx.execute(
            insert_or_ignore(featured_tags, tx.dialect, "account_id", "tag_id"),
            [{"id": new_id(), "account_id": account_id, "tag_id": tag_id,
              "created_at": utcnow()}],
        )  # fmt: skip
    return tag_id


async def do_unfeature_tag(db: Database, account_id: int, name: str) -> None:
    """Stop featuring hashtag `name` (nothing happens if one did not feature it)."""
    name = check_tag_name(name)
    async with db.transaction() as tx:
        await tx.execute(
            featured_tags.delete().where(
                featured_tags.c.account_id == account_id,
                featured_tags.c.tag_id.in_(
                    sa.select(tags.c.id).where(tags.c.name_lower == name.lower())
                ),
            )
        )


async def do_delete_featured_tag(db: Database, account_id: int, featured_id: int) -> None:
    """Remove one of one's featured tags by its FeaturedTag id (NotFound for another's)."""
    async with db.transaction() as tx:
        removed = await tx.execute(
            featured_tags.delete().where(
                featured_tags.c.id == featured_id, featured_tags.c.account_id == account_id
            )
        )
        if not removed.rowcount:
            raise NotFound()
