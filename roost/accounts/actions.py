"""Writes to accounts: creating local accounts (CLI and registration)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from roost.accounts.passwords import hash_password_async
from roost.accounts.tables import accounts, users
from roost.db import Database
from roost.errors import Invalid
from roost.ids import new_id
from roost.timeutil import utcnow

USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{1,30}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RESERVED_USERNAMES = frozenset(
    {"admin", "administrator", "root", "support", "help", "settings", "api", "oauth",
     "static", "about", "roost", "mastodon", "postmaster", "webmaster", "abuse", "security",
     "users", "tags", "explore", "public", "home", "notifications", "login", "logout",
     "signup", "auth", "well_known", "instance", "system"}
)  # fmt: skip
MIN_PASSWORD = 8
MAX_PASSWORD = 72


@dataclass(frozen=True)
class NewAccount:
    id: int
    username: str


def check_username(username: str) -> None:
    """Usernames: 1–30 letters, digits or underscores; not a reserved word."""
    if not USERNAME_RE.match(username):
        raise Invalid("Username must contain only letters, numbers and underscores (at most 30)")
    if username.lower() in RESERVED_USERNAMES:
        raise Invalid("Username is reserved")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"Password is too short (minimum is {MIN_PASSWORD} characters)")
    if len(password) > MAX_PASSWORD:
        raise Invalid(f"Password is too long (maximum is {MAX_PASSWORD} characters)")


async def do_create_account(
    db: Database,
    *,
    username: str,
    email: str,
    password: str,
    admin: bool = False,
    approved: bool = True,
    locale: str = "en",
    reason: str | None = None,
    locked: bool = False,
    display_name: str = "",
) -> NewAccount:
    """Create a local account and its user in one transaction; 422 if the name or email is
    taken or breaks a rule."""
    check_username(username)
    email = email.strip()
    if not EMAIL_RE.match(email) or len(email) > 320:
        raise Invalid("Email is invalid")
    check_password(password)
    password_hash = await hash_password_async(password)
    now = utcnow()
    account_id = new_id()
    async with db.transaction() as tx:
        taken = await tx.fetch_one(
            sa.select(accounts.c.id).where(accounts.c.username_lower == username.lower())
        )
        if taken is not None:
            raise Invalid("Username has already been taken")
        taken = await tx.fetch_one(
            sa.select(users.c.account_id).where(users.c.email_lower == email.lower())
        )
        if taken is not None:
            raise Invalid("Email has already been taken")
        await tx.execute(
            accounts.insert().values(
                id=account_id,
                username=username,
                username_lower=username.lower(),
                display_name=display_name,
                fields=[],
                locked=locked,
                created_at=now,
            )
        )
        await tx.execute(
            users.insert().values(
                account_id=account_id,
                email=email,
                email_lower=email.lower(),
                password_hash=password_hash,
                admin=admin,
                approved=approved,
                locale=locale,
                reason=reason,
                created_at=now,
                last_active_at=now,
            )
        )
    return NewAccount(account_id, username)
