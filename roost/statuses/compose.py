"""What posting and editing share: checking a post's text and language, and turning the
text into HTML with its mentions, tags and custom emojis (read before the write
transaction, so that on SQLite the write lock is held only for the writes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from roost.accounts.entities import CustomEmoji
from roost.accounts.queries import local_username
from roost.accounts.tables import accounts
from roost.db import Database, Transaction
from roost.db.dialect import insert_or_ignore
from roost.db.prepared import any_of
from roost.emojis.queries import emojis_in
from roost.errors import Invalid
from roost.ids import new_id
from roost.notifications.actions import silences
from roost.statuses.tables import conversation_mutes, status_tags, tags
from roost.text.entities import extract_entities
from roost.text.length import weighted_length
from roost.text.render import render_html

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def check_text(text: str, spoiler_text: str, max_chars: int, *, with_media: bool = False) -> str:
    """The text, stripped; Invalid when over the limit (with its warning), or blank in a
    post without media (Mastodon lets a post with media have no text)."""
    text = text.strip()
    if not text and not with_media:
        raise Invalid("Text can't be blank")
    if weighted_length(text) + weighted_length(spoiler_text) > max_chars:
        raise Invalid(f"Text character limit of {max_chars} exceeded")
    return text


def check_language(language: str | None) -> str | None:
    """An ISO 639 code, or None (also for ""); Invalid for anything else."""
    if language is None or language == "":
        return None
    if not LANGUAGE_RE.match(language):
        raise Invalid("Language is not a valid ISO 639 code")
    return language


@dataclass(frozen=True)
class Composed:
    """A post's text made ready to store."""

    content: str  # the HTML
    mentioned: list[Any]  # accounts rows (id, username, silenced), in text order
    tags: dict[str, str]  # lower-case name -> name as written, in text order
    emojis: list[CustomEmoji]  # the custom emojis the text and warning use


async def compose_text(
    db: Database,
    author_id: int,
    text: str,
    spoiler_text: str,
    base_url: str,
    now: Any,
    conversation_id: int | None = None,
) -> Composed:
    """Parse and render `text`: mentions of local accounts (not suspended) become links,
    hashtags links to their pages (one query for mentions, one for custom emojis, each
    only when the text has some). A mentioned account is `silenced` (not to be notified)
    when it blocks or mutes the author, or muted the thread (`conversation_id`)."""
    mention_names: dict[str, None] = {}
    tag_names: dict[str, str] = {}
    for e in extract_entities(text):
        if e.kind == "mention":
            if local := _local_name(e.text, base_url):
                mention_names[local] = None
        elif e.kind == "hashtag":
            tag_names.setdefault(e.text.lower(), e.text)
    mentioned: dict[str, Any] = {}
    if mention_names:
        rows = await db.fetch_all(
            _MENTIONABLE,
            {
                "names": list(mention_names),
                "author": author_id,
                "now": now,
                "conversation": -1 if conversation_id is None else conversation_id,
            },
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
    emojis = await emojis_in(db, spoiler_text, text)  # no query without a `:code:`
    return Composed(content, in_order, tag_names, emojis)


def _local_name(acct: str, base_url: str) -> str:
    """`bob` or `bob@this.domain` → "bob"; a remote acct (no federation yet) → ""."""
    return (local_username(acct, base_url.split("://", 1)[1]) or "").lower()


# Built once: building and cache-keying a statement per call cost more Python time than
# running it.
_MENTIONABLE = sa.select(
    accounts.c.id,
    accounts.c.username_lower,
    accounts.c.username,
    sa.or_(
        silences(
            accounts.c.id,
            sa.bindparam("author", type_=sa.BigInteger),
            sa.bindparam("now", type_=sa.DateTime),
        ),
        sa.exists().where(  # a reply in a thread they muted
            conversation_mutes.c.account_id == accounts.c.id,
            conversation_mutes.c.conversation_id
            == sa.bindparam("conversation", type_=sa.BigInteger),
        ),
    ).label("silenced"),
).where(
    any_of(accounts.c.username_lower, "names", text=True),
    accounts.c.suspended_at.is_(None),
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


async def attach_tags(tx: Transaction, status_id: int, names: dict[str, str], now: Any) -> None:
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
