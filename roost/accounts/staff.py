"""The operator's writes on a user (the CLI's `roost users ...`): its staff role,
suspension, and approval of a sign-up that waits for it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from roost.accounts.roles import ADMIN_ROLES, ROLES
from roost.accounts.tables import accounts, users
from roost.db import Database, Transaction
from roost.errors import NotFound
from roost.oauth.actions import revoked
from roost.oauth.queries import TOKEN_CHANNEL
from roost.oauth.tables import tokens
from roost.timeutil import utcnow


@dataclass(frozen=True)
class LocalUser:
    """A local user as the operator sees it."""

    account_id: int
    username: str
    role: str | None
    approved: bool
    suspended: bool


async def access_local_user(db: Database, username: str) -> LocalUser:
    """The local user named `username` (case-insensitive, `@name` accepted), suspended or
    waiting for approval included; NotFound naming it otherwise."""
    name = username.strip().lstrip("@")
    row = await db.fetch_one(
        sa.select(
            accounts.c.id,
            accounts.c.username,
            accounts.c.suspended_at,
            users.c.role,
            users.c.approved,
        )
        .select_from(accounts.join(users, users.c.account_id == accounts.c.id))
        .where(accounts.c.username_lower == name.lower())
    )
    if row is None:
        raise NotFound(f"No local account named {name!r}")
    return LocalUser(
        account_id=row.id,
        username=row.username,
        role=row.role,
        approved=bool(row.approved),
        suspended=row.suspended_at is not None,
    )


async def _live_tokens(tx: Transaction, account_id: int) -> list[tuple[int, str]]:
    rows = await tx.fetch_all(
        sa.select(tokens.c.id, tokens.c.token_hash).where(
            tokens.c.account_id == account_id, tokens.c.revoked_at.is_(None)
        )
    )
    return [(row.id, row.token_hash) for row in rows]


async def do_set_role(db: Database, account_id: int, role: str | None) -> None:
    """Give the user a staff role (`owner`, `admin`, `moderator`), or take it away (None).
    Every process forgets the user's cached tokens, so the new role counts at once."""
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    async with db.transaction() as tx:
        await tx.execute(
            users.update()
            .where(users.c.account_id == account_id)
            .values(role=role, admin=role in ADMIN_ROLES)  # `admin` kept in step
        )
        await forget_sessions(tx, account_id)


async def end_sessions(tx: Transaction, account_id: int) -> None:
    """Once `tx` commits, every process forgets the account's tokens and their open
    streams end; the tokens are not revoked, so they work again once the account may."""
    for token_id, hashed in await _live_tokens(tx, account_id):
        revoked(tx, token_id, hashed)


async def forget_sessions(tx: Transaction, account_id: int) -> None:
    """Once `tx` commits, every process reads the account's tokens afresh (its state
    changed: a role, a suspension lifted)."""
    for _, hashed in await _live_tokens(tx, account_id):
        tx.publish(TOKEN_CHANNEL, hashed.encode())


async def suspend(tx: Transaction, account_id: int) -> bool:
    """`do_suspend` inside `tx`: False if the account already was suspended."""
    changed = await tx.execute(
        accounts.update()
        .where(accounts.c.id == account_id, accounts.c.suspended_at.is_(None))
        .values(suspended_at=utcnow())
    )
    if not changed.rowcount:
        return False
    await end_sessions(tx, account_id)
    return True


async def unsuspend(tx: Transaction, account_id: int) -> bool:
    """`do_unsuspend` inside `tx`: False if the account was not suspended."""
    changed = await tx.execute(
        accounts.update()
        .where(accounts.c.id == account_id, accounts.c.suspended_at.isnot(None))
        .values(suspended_at=None)
    )
    if not changed.rowcount:
        return False
    await forget_sessions(tx, account_id)
    return True


async def approve(tx: Transaction, account_id: int) -> bool:
    """`do_approve` inside `tx`: False if the user was approved already."""
    changed = await tx.execute(
        users.update()
        .where(users.c.account_id == account_id, users.c.approved.is_(False))
        .values(approved=True)
    )
    if not changed.rowcount:
        return False
    await forget_sessions(tx, account_id)
    return True


async def do_suspend(db: Database, account_id: int) -> bool:
    """Suspend the account: it and its posts are no longer shown anywhere, its tokens stop
    working and its open streams end (its data stays, for `do_unsuspend`). False if it
    already was."""
    async with db.transaction() as tx:
        return await suspend(tx, account_id)


async def do_unsuspend(db: Database, account_id: int) -> bool:
    """Lift a suspension: the account, its posts and its tokens work again. False if it was
    not suspended."""
    async with db.transaction() as tx:
        return await unsuspend(tx, account_id)


async def do_approve(db: Database, account_id: int) -> bool:
    """Approve a sign-up that waits for it (ROOST_REGISTRATIONS=approval): the account is
    shown and may sign in. False if it was approved already."""
    async with db.transaction() as tx:
        return await approve(tx, account_id)
