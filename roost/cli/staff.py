"""Operator commands on a local user: its staff role, suspension and approval."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

import typer

from roost.cli.common import console, parse_role, run_on_instance, users_app

if TYPE_CHECKING:
    from roost.accounts.staff import LocalUser
    from roost.db import Database
    from roost.instance import Roost

NAME = Annotated[str, typer.Argument(help="Username of a local account.")]


def _on_user(name: str, act: Callable[[Database, LocalUser], Awaitable[str]]) -> None:
    """Find the user named `name` (a clear error if there is none), act on it and print
    what came of it."""
    from roost.accounts.staff import access_local_user

    async def run(roost: Roost) -> str:
        user = await access_local_user(roost.db, name)
        return await act(roost.db, user)

    console.print(run_on_instance(run))


@users_app.command("role")
def users_role(
    name: NAME,
    role: Annotated[str, typer.Argument(help="owner, admin, moderator, or none.")],
) -> None:
    """Give a local account a staff role (owner, admin, moderator), or none."""
    from roost.accounts.staff import do_set_role

    chosen = parse_role(role)

    async def act(db: Database, user: LocalUser) -> str:
        if user.role == chosen:
            return f"@{user.username} already has the role {chosen or 'none'}."
        await do_set_role(db, user.account_id, chosen)
        return f"@{user.username} now has the role {chosen or 'none'} (was {user.role or 'none'})."

    _on_user(name, act)


@users_app.command("suspend")
def users_suspend(name: NAME) -> None:
    """Suspend a local account (undo with `roost users unsuspend`).

    It and its posts are hidden everywhere and its tokens and streams stop working; its
    data is kept."""
    from roost.accounts.staff import do_suspend

    async def act(db: Database, user: LocalUser) -> str:
        if await do_suspend(db, user.account_id):
            return f"Suspended @{user.username}."
        return f"@{user.username} was already suspended."

    _on_user(name, act)


@users_app.command("unsuspend")
def users_unsuspend(name: NAME) -> None:
    """Lift a local account's suspension."""
    from roost.accounts.staff import do_unsuspend

    async def act(db: Database, user: LocalUser) -> str:
        if await do_unsuspend(db, user.account_id):
            return f"Unsuspended @{user.username}."
        return f"@{user.username} is not suspended."

    _on_user(name, act)


@users_app.command("approve")
def users_approve(name: NAME) -> None:
    """Approve a sign-up waiting for approval (ROOST_REGISTRATIONS=approval)."""
    from roost.accounts.staff import do_approve

    async def act(db: Database, user: LocalUser) -> str:
        if await do_approve(db, user.account_id):
            return f"Approved @{user.username}."
        return f"@{user.username} was already approved."

    _on_user(name, act)
