"""Posting a status: text parsed and measured, mentions, tags, counters, the idempotency
key, mention notifications and the fan-out job, in one transaction, so a failure leaves
nothing half-written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from roost.accounts.entities import CustomEmoji
from roost.accounts.queries import local_username
from roost.accounts.tables import accounts, users
from roost.db import Database, Transaction
from roost.db.dialect import insert_or_ignore
from roost.db.prepared import any_of
from roost.emojis.queries import emojis_in
from roost.errors import Invalid, NotFound
from roost.ids import new_id
from roost.jobs.queue import enqueue
from roost.notifications.actions import notify, silences
from roost.oauth.tables import apps
from roost.polls.actions import NewPoll, add_poll, check_poll, option_emojis
from roost.polls.render import CachedPoll
from roost.statuses.entities import VISIBILITIES
from roost.statuses.queries import access_status
from roost.statuses.render import status_key
from roost.statuses.tables import (
    idempotency_keys,
    mentions,
    status_tags,
    statuses,
    tags,
)
from roost.text.entities import extract_entities
from roost.text.length import weighted_length
from roost.text.render import render_html
from roost.timeutil import utcnow

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


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
    text = post.text.strip()
    if not text:
        raise Invalid("Text can't be blank")
    if weighted_length(text) + weighted_length(post.spoiler_text) > max_chars:
        raise Invalid(f"Text character limit of {max_chars} exceeded")
    if post.visibility is not None and post.visibility not in VISIBILITIES:
        raise Invalid("Visibility is not included in the list")
    poll = None if post.poll is None else check_poll(post.poll)
    language = post.language
    if language is not None and (language == "" or not LANGUAGE_RE.match(language)):
        if language == "":
            language = None
        else:
            raise Invalid("Language is not a valid ISO 639 code")

    parent = None
    if post.in_reply_to_id is not None:
        parent = await access_status(db, author_id, post.in_reply_to_id)
        if parent.reblog_of_id is not None:
            raise NotFound()

    entities = extract_entities(text)
    mention_names: dict[str, None] = {}
    tag_names: dict[str, str] = {}
    for e in entities:
        if e.kind == "mention":
            if local := _local_name(e.text, base_url):
                mention_names[local] = None
        elif e.kind == "hashtag":
            tag_names.setdefault(e.text.lower(), e.text)
    now = utcnow()
    # Reads and rendering happen before the write transaction, so that on SQLite the write
    # lock is held only for the writes.
    mentioned: dict[str, Any] = {}
    if mention_names:
        rows = await db.fetch_all(
            _MENTIONABLE, {"names": list(mention_names), "author": author_id, "now": now}
        )
        mentioned = {r.username_lower: r for r in rows}
    content = render_html(
        text,
        mention_url=lambda acct: (
            f"{base_url}/@{mentioned[name].username}"
            if (name := _local_name(acct, base_url)) in mentioned
            else None
        ),
        tag_url=lambda tag: f"{base_url}/tags/{tag.lower()}",
    )
    in_order = [mentioned[n] for n in mention_names if n in mentioned]
    emojis = await emojis_in(db, post.spoiler_text, text)  # no query without a `:code:`
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
            "created_at": now,
        }
        await tx.execute(_INSERT_STATUS, [row])
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
            await _attach_tags(tx, status_id, tag_names, now)
        if parent is not None:
            await bump(tx, statuses, parent.id, "replies_count", 1)
        await enqueue(tx, "fan_out", {"status_id": status_id})
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
    )


# The posting path's statements, built once: building and cache-keying a statement per
# call cost more Python time than running it.
_MENTIONABLE = sa.select(
    accounts.c.id,
    accounts.c.username_lower,
    accounts.c.username,
    silences(
        accounts.c.id,
        sa.bindparam("author", type_=sa.BigInteger),
        sa.bindparam("now", type_=sa.DateTime),
    ).label("silenced"),
).where(
    any_of(accounts.c.username_lower, "names", text=True),
    accounts.c.suspended_at.is_(None),
)


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
            for name in ("default_visibility", "default_sensitive", "approved")
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


_ATTACH_TAGS = status_tags.insert().from_select(
    ["tag_id", "status_id"],
    sa.select(tags.c.id, sa.bindparam("status_id", type_=sa.BigInteger)).where(
        any_of(tags.c.name_lower, "names", text=True),
        ~sa.exists().where(
            status_tags.c.status_id == sa.bindparam("status_id", type_=sa.BigInteger),
            status_tags.c.tag_id == tags.c.id,
        ),
    ),
)


def _local_name(acct: str, base_url: str) -> str:
    """`bob` or `bob@this.domain` → "bob"; a remote acct (no federation yet) → ""."""
    return (local_username(acct, base_url.split("://", 1)[1]) or "").lower()


async def _attach_tags(tx: Transaction, status_id: int, names: dict[str, str], now: Any) -> None:
    """Link the status to its tags (lower-case name → name as written), creating the tags
    no post used before: one statement when they all exist, as they mostly do."""
    params = [{"status_id": status_id, "names": list(names)}]
    attached = await tx.execute(_ATTACH_TAGS, params)
    if attached.rowcount == len(names):
        return
    # A tag seen for the first time keeps the case it was first written in; a concurrent
    # post creating the same tag wins quietly (ON CONFLICT DO NOTHING).
    await tx.execute(
        insert_or_ignore(tags, tx.dialect, "name_lower"),
        [
            {"id": new_id(), "name": name, "name_lower": lower, "created_at": now}
            for lower, name in names.items()
        ],
    )
    await tx.execute(_ATTACH_TAGS, params)


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
