"""Which posts belong in whose home feed: Mastodon's home rules, written once.

The fan-out job asks it of every follower of a new post's author (roost.timelines.jobs),
and a feed rebuilt from SQL asks it of every post of the accounts its owner follows
(`timelines.rebuild.feed_entries_for`), so the two can never disagree. Who may see a post
at all (visibility, blocks, mutes) is decided when a feed is read, not here.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from roost.graph.tables import follows
from roost.lists.tables import list_accounts, lists
from roost.statuses.tables import mentions, statuses


def belongs_in_home(
    owner: ColumnElement[Any], s: FromClause, *, shows_boosts: ColumnElement[Any] | None = None
) -> ColumnElement[bool]:
    """Whether post `s` (a statuses alias) of an account `owner` follows (or of `owner`)
    belongs in `owner`'s home feed:
    - a boost, unless `owner` turned off that account's boosts or wrote the original
      (`shows_boosts`: the owner's follow's `show_reblogs`, where the query has that row);
    - a reply to someone else, only if `owner` is or follows the replied-to account;
    - a direct post, only if it mentions `owner` (or `owner` wrote it);
    - nothing by a member of one of `owner`'s exclusive lists (read in the list instead)."""
    own = s.c.account_id == owner
    if shows_boosts is None:
        shows_boosts = ~sa.exists().where(
            follows.c.account_id == owner,
            follows.c.target_account_id == s.c.account_id,
            follows.c.show_reblogs.is_(False),
        )
    original = statuses.alias("original")
    boost = sa.or_(
        s.c.reblog_of_id.is_(None),
        sa.and_(
            shows_boosts,
            ~sa.exists().where(original.c.id == s.c.reblog_of_id, original.c.account_id == owner),
        ),
    )
    reply_to = s.c.in_reply_to_account_id
    reply = sa.or_(
        reply_to.is_(None),
        reply_to == s.c.account_id,
        reply_to == owner,
        own,
        sa.exists().where(follows.c.account_id == owner, follows.c.target_account_id == reply_to),
    )
    direct = sa.or_(
        s.c.visibility != "direct",
        own,
        sa.exists().where(mentions.c.status_id == s.c.id, mentions.c.account_id == owner),
    )
    return sa.and_(boost, reply, direct, sa.or_(own, ~in_exclusive_list(owner, s.c.account_id)))


def in_exclusive_list(owner: Any, account: Any) -> ColumnElement[bool]:
    """SQL condition: `account` is a member of one of `owner`'s exclusive lists."""
    return sa.exists().where(
        list_accounts.c.account_id == account,
        lists.c.id == list_accounts.c.list_id,
        lists.c.account_id == owner,
        lists.c.exclusive.is_(True),
    )
