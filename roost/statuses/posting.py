"""Posting a status: text parsed and measured, mentions, tags, counters, the idempotency
key, mention notifications and the fan-out job, in one transaction, so a failure leaves
nothing half-written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from roost.accounts.entities import CustomEmoji
from roost.accounts.tables import accounts, users
from roost.cards.queue import queue_card
from roost.conversations.actions import record_direct
from roost.db import Database, Transaction
from roost.db.dialect import insert_or_ignore
from roost.errors import Invalid, NotFound, RoostError
from roost.ids import new_id
from roost.jobs.queue import enqueue
from roost.media.attach import attach_media, check_media
from roost.notifications.actions import notify
from roost.oauth.tables import apps
from roost.polls.actions import NewPoll, add_poll, check_poll, option_emojis
from roost.polls.render import CachedPoll
from roost.statuses.compose import attach_tags, check_language, check_text, compose_text
from roost.statuses.entities import VISIBILITIES
from roost.statuses.queries import access_status
from roost.statuses.quotes import QUOTE_POLICIES, check_quotable
from roost.statuses.render import status_key
from roost.statuses.tables import (
    idempotency_keys,
    mentions,
    statuses,
)
from roost.timeutil import utcnow


@dataclass(frozen=True)
class NewStatus:
    """What a client posts (already parsed from the request)."""

    text: str
    spoiler_text: str = ""
    visibility: str | None = None
    sensitive: bool | None = None
    language: str | None = None
    in_reply_to_id: int | None = None
    app_id: int | None = None
    idempotency_key: str | None = None
    poll: NewPoll | None = None
    # Mastodon's `allowed_mentions[]`: when given, a post that would mention anyone else
    # is refused (UnexpectedMentions), so that a client can warn before it goes out.
    allowed_mentions: tuple[int, ...] | None = None
    quoted_status_id: int | None = None  # a quote post (Mastodon 4.5)
    quote_approval_policy: str | None = None  # who may quote this: public, followers, nobody
    media_ids: tuple[int, ...] = ()  # uploaded media to attach, in order (at most four)
    scheduled_id: int | None = None  # the scheduled post this publishes (holds its media)


class UnexpectedMentions(RoostError):
    """The post would mention accounts outside `allowed_mentions` (Mastodon: 422 with the
    accounts as `unexpected_accounts`)."""

    status = 422

    def __init__(self, account_ids: list[int]) -> None:
        super().__init__("Post would be sent to unexpected accounts")
        self.account_ids = account_ids


@dataclass(frozen=True)
class Posted:
    """A status just posted, with what rendering it needs: the write knew all of it, so the
    API answers without reading the status back. `replayed`: an idempotency key matched an
    earlier post, whose id this is (render that one the usual way)."""

    id: int
    replayed: bool = False
    author: Any = None  # the author's accounts row after the post, with `approved`
    app_name: str | None = None
    app_website: str | None = None
    content: str = ""
    spoiler_text: str = ""
    visibility: str = "public"
    sensitive: bool = False
    language: str | None = None
    in_reply_to_id: int | None = None
    in_reply_to_account_id: int | None = None
    created_at: datetime | None = None
    mentions: tuple[tuple[int, str], ...] = ()  # (account id, username), in text order
    tags: tuple[str, ...] = ()  # lower-case names, in text order
    emojis: tuple[CustomEmoji, ...] = ()  # the custom emojis the text uses
    poll: CachedPoll | None = None
    quote_of_id: int | None = None
    quote_policy: str = "public"
    media: tuple[Any, ...] = ()  # the attached media_attachments rows, in order


async def do_post_status(
    db: Database, author_id: int, post: NewStatus, *, base_url: str, max_chars: int
) -> int:
    """Post a status and fan it out to followers' home feeds; returns its id.

    With an idempotency key, a repeat of the same post returns the first one's id.
    """
    posted = await do_post_status_returning(
        db, author_id, post, base_url=base_url, max_chars=max_chars
    )
    return posted.id


async def do_post_status_returning(
    db: Database, author_id: int, post: NewStatus, *, base_url: str, max_chars: int
) -> Posted:
    """`do_post_status`, returning what the API renders the new status from."""
    text = check_text(post.text, post.spoiler_text, max_chars, with_media=bool(post.media_ids))
    if post.visibility is not None and post.visibility not in VISIBILITIES:
        raise Invalid("Visibility is not included in the list")
    poll = None if post.poll is None else check_poll(post.poll)
    language = check_language(post.language)
    policy = post.quote_approval_policy or "public"
    if policy not in QUOTE_POLICIES:
        raise Invalid("Quote approval policy is not included in the list")
    quoted = None
    if post.quoted_status_id is not None:
        quoted = await check_quotable(db, author_id, post.quoted_status_id)

    media = await check_media(
        db, author_id, post.media_ids, scheduled_id=post.scheduled_id, with_poll=poll is not None
    )
    parent = None
    if post.in_reply_to_id is not None:
        parent = await access_status(db, author_id, post.in_reply_to_id)
        if parent.reblog_of_id is not None:
            raise NotFound()

    now = utcnow()
    # Reads and rendering happen before the write transaction, so that on SQLite the write
    # lock is held only for the writes.
    thread = None if parent is None else (parent.conversation_id or parent.id)
    composed = await compose_text(
        db, author_id, text, post.spoiler_text, base_url, now, conversation_id=thread
    )
    content, in_order, tag_names = composed.content, composed.mentioned, composed.tags
    if post.allowed_mentions is not None:
        unexpected = [m.id for m in in_order if m.id not in post.allowed_mentions]
        if unexpected:
            raise UnexpectedMentions(unexpected)
    emojis = composed.emojis
    poll_emojis = {} if poll is None else await option_emojis(db, poll)

    status_id = new_id()
    poll_id = None if poll is None else new_id()
    made_poll = None
    async with db.transaction() as tx:
        if post.idempotency_key is not None:
            # Claimed first, in the transaction: of two concurrent requests with one key,
            # the second waits for the first and then finds its post.
            claimed = await tx.execute(
                insert_or_ignore(idempotency_keys, tx.dialect, "account_id", "key"),
                [
                    {
                        "account_id": author_id,
                        "key": post.idempotency_key,
                        "status_id": status_id,
                        "created_at": now,
                    }
                ],
            )
            if claimed.rowcount == 0:
                existing = await tx.scalar(
                    _IDEMPOTENT, {"account_id": author_id, "key": post.idempotency_key}
                )
                return Posted(id=int(existing), replayed=True)
        author = (
            await tx.execute(
                _BUMP_AUTHOR, [{"p_author": author_id, "p_now": now, "p_app": post.app_id}]
            )
        ).one()
        visibility = post.visibility or author.default_visibility or "public"
        sensitive = bool(post.sensitive if post.sensitive is not None else author.default_sensitive)
        if post.spoiler_text:
            sensitive = True
        row: dict[str, Any] = {
            "id": status_id,
            "account_id": author_id,
            "text": text,
            "content": content,
            "spoiler_text": post.spoiler_text,
            "visibility": visibility,
            "sensitive": sensitive,
            "language": language,
            "in_reply_to_id": parent.id if parent is not None else None,
            "in_reply_to_account_id": parent.account_id if parent is not None else None,
            "conversation_id": (parent.conversation_id or parent.id) if parent else status_id,
            "app_id": post.app_id,
            "poll_id": poll_id,
            "quote_of_id": None if quoted is None else quoted.id,
            "quote_state": None if quoted is None else "accepted",
            "quote_policy": policy,
            "media_count": len(media),
            "created_at": now,
        }
        await tx.execute(_INSERT_STATUS, [row])
        if media:
            await attach_media(tx, status_id, media)
        if poll is not None and poll_id is not None:
            made_poll = await add_poll(
                tx, poll_id=poll_id, status_id=status_id, author_id=author_id, poll=poll,
                now=now, known=poll_emojis,
            )  # fmt: skip
        if in_order:
            await tx.execute(
                _INSERT_MENTION, [{"status_id": status_id, "account_id": m.id} for m in in_order]
            )
        if tag_names:
            await attach_tags(tx, status_id, tag_names, now)
        if parent is not None:
            await bump(tx, statuses, parent.id, "replies_count", 1)
        await enqueue(tx, "fan_out", {"status_id": status_id})
        await queue_card(tx, status_id, text)
        if quoted is not None:
            await bump(tx, statuses, quoted.id, "quotes_count", 1)
            await notify(
                tx, account_id=quoted.account_id, from_account_id=author_id, type="quote",
                status_id=status_id,
            )  # fmt: skip
        if visibility == "direct":
            await record_direct(
                tx, status_id=status_id, conversation_id=row["conversation_id"],
                author_id=author_id, mentioned=[m.id for m in in_order],
            )  # fmt: skip
        for m in in_order:
            if not m.silenced:
                await notify(
                    tx,
                    account_id=m.id,
                    from_account_id=author_id,
                    type="mention",
                    status_id=status_id,
                    checked=True,
                )
    return Posted(
        id=status_id,
        author=author,
        app_name=author.app_name,
        app_website=author.app_website,
        content=content,
        spoiler_text=post.spoiler_text,
        visibility=visibility,
        sensitive=sensitive,
        language=language,
        in_reply_to_id=row["in_reply_to_id"],
        in_reply_to_account_id=row["in_reply_to_account_id"],
        created_at=now,
        mentions=tuple((m.id, m.username) for m in in_order),
        tags=tuple(tag_names),
        emojis=tuple(emojis),
        poll=made_poll,
        quote_of_id=None if quoted is None else quoted.id,
        quote_policy=policy,
        media=tuple(media),
    )


# The posting path's statements, built once: building and cache-keying a statement per
# call cost more Python time than running it.
_BUMP_AUTHOR = (
    accounts.update()
    .where(accounts.c.id == sa.bindparam("p_author", type_=sa.BigInteger))
    .values(
        statuses_count=accounts.c.statuses_count + 1,
        last_status_at=sa.bindparam("p_now", type_=sa.DateTime),
    )
    .returning(
        *accounts.c,
        *(
            sa.select(users.c[name])
            .where(users.c.account_id == accounts.c.id)
            .scalar_subquery()
            .label(name)
            for name in ("default_visibility", "default_sensitive", "approved", "role")
        ),
        *(
            sa.select(apps.c[name])
            .where(apps.c.id == sa.bindparam("p_app", type_=sa.BigInteger))
            .scalar_subquery()
            .label(f"app_{name}")
            for name in ("name", "website")
        ),
    )
)


_INSERT_STATUS = statuses.insert()


_INSERT_MENTION = mentions.insert()


_IDEMPOTENT = sa.select(idempotency_keys.c.status_id).where(
    idempotency_keys.c.account_id == sa.bindparam("account_id", type_=sa.BigInteger),
    idempotency_keys.c.key == sa.bindparam("key", type_=sa.String),
)


async def bump(tx: Transaction, table: sa.Table, row_id: int, column: str, by: int) -> None:
    """Add `by` to a counter column of one row (a status's render is cached: dropped)."""
    if table is statuses:
        tx.invalidate(status_key(row_id))
    col = table.c[column]
    await tx.execute(
        table.update()
        .where(table.c.id == row_id)
        .values({column: sa.case((col + by < 0, 0), else_=col + by)})
    )
