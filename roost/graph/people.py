"""What people keep about others: accounts featured on their profile (endorsements),
private notes, dismissed follow suggestions and blocked domains. Each write is one
transaction."""

from __future__ import annotations

import re

import sqlalchemy as sa

from roost.accounts.queries import account_shown
from roost.accounts.tables import accounts
from roost.db import Database, Transaction
from roost.db.dialect import insert_or_ignore, upsert
from roost.errors import Invalid, NotFound
from roost.graph.entities import Relationship
from roost.graph.queries import render_relationship
from roost.graph.tables import (
    account_domain_blocks,
    account_notes,
    account_pins,
    follows,
    suggestion_dismissals,
)
from roost.ids import new_id
from roost.timeutil import utcnow

MAX_NOTE = 2000  # Mastodon's AccountNote limit
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


async def _shown(tx: Transaction, account_id: int) -> None:
    found = await tx.fetch_one(
        sa.select(accounts.c.id).where(accounts.c.id == account_id, account_shown())
    )
    if found is None:
        raise NotFound()


async def do_endorse(db: Database, viewer_id: int, account_id: int) -> Relationship:
    """Feature an account one follows on one's profile (again: no change)."""
    async with db.transaction() as tx:
        await _shown(tx, account_id)
        following = await tx.fetch_one(
            sa.select(follows.c.id).where(
                follows.c.account_id == viewer_id, follows.c.target_account_id == account_id
            )
        )
        if following is None:
            raise Invalid("You must be already following the person you want to endorse")
        await tx.execute(
            insert_or_ignore(account_pins, tx.dialect, "account_id", "target_account_id"),
            [{"id": new_id(), "account_id": viewer_id, "target_account_id": account_id,
              "created_at": utcnow()}],
        )  # fmt: skip
    return await render_relationship(db, viewer_id, account_id)


async def do_unendorse(db: Database, viewer_id: int, account_id: int) -> Relationship:
    """Stop featuring an account (not featured: no change)."""
    async with db.transaction() as tx:
        await _shown(tx, account_id)
        await unendorse(tx, viewer_id, account_id)
    return await render_relationship(db, viewer_id, account_id)


async def unendorse(tx: Transaction, viewer_id: int, account_id: int) -> None:
    """Remove the endorsement inside a transaction (unfollowing an account unfeatures it)."""
    await tx.execute(
        account_pins.delete().where(
            account_pins.c.account_id == viewer_id, account_pins.c.target_account_id == account_id
        )
    )


async def do_set_note(db: Database, viewer_id: int, account_id: int, comment: str) -> Relationship:
    """Set one's private note about an account; an empty note removes it."""
    if len(comment) > MAX_NOTE:
        raise Invalid(f"The note can be at most {MAX_NOTE} characters long")
    async with db.transaction() as tx:
        await _shown(tx, account_id)
        mine = sa.and_(
            account_notes.c.account_id == viewer_id, account_notes.c.target_account_id == account_id
        )
        if not comment.strip():
            await tx.execute(account_notes.delete().where(mine))
        else:
            await tx.execute(
                upsert(account_notes, tx.dialect, ("account_id", "target_account_id"),
                       ("comment",)),
                [{"id": new_id(), "account_id": viewer_id, "target_account_id": account_id,
                  "comment": comment, "created_at": utcnow()}],
            )  # fmt: skip
    return await render_relationship(db, viewer_id, account_id)


async def do_dismiss_suggestion(db: Database, viewer_id: int, account_id: int) -> None:
    """Never suggest this account to the viewer again."""
    async with db.transaction() as tx:
        await _shown(tx, account_id)
        await tx.execute(
            insert_or_ignore(suggestion_dismissals, tx.dialect, "account_id", "target_account_id"),
            [{"id": new_id(), "account_id": viewer_id, "target_account_id": account_id,
              "created_at": utcnow()}],
        )  # fmt: skip


def clean_domain(domain: str, own_domain: str) -> str:
    """A domain as blocks keep it (lowercase, no scheme, path or port); Invalid otherwise."""
    d = domain.strip().lower()
    d = re.sub(r"^[a-z][a-z0-9+.-]*://", "", d).split("/", 1)[0].rsplit("@", 1)[-1]
    d = d.split(":", 1)[0].rstrip(".")
    try:
        d = d.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise Invalid(f"{domain!r} is not a domain name") from exc
    if not _HOST.match(d):
        raise Invalid(f"{domain!r} is not a domain name")
    if d == own_domain.split(":", 1)[0].lower():
        raise Invalid("You cannot block your own server")
    return d


async def do_block_domain(db: Database, viewer_id: int, domain: str, own_domain: str) -> None:
    """Hide everything from a domain's accounts (again: no change)."""
    d = clean_domain(domain, own_domain)
    async with db.transaction() as tx:
        await tx.execute(
            insert_or_ignore(account_domain_blocks, tx.dialect, "account_id", "domain"),
            [{"id": new_id(), "account_id": viewer_id, "domain": d, "created_at": utcnow()}],
        )


async def do_unblock_domain(db: Database, viewer_id: int, domain: str, own_domain: str) -> None:
    """Lift a domain block (none: no change)."""
    d = clean_domain(domain, own_domain)
    async with db.transaction() as tx:
        await tx.execute(
            account_domain_blocks.delete().where(
                account_domain_blocks.c.account_id == viewer_id,
                account_domain_blocks.c.domain == d,
            )
        )
