"""Operator commands on a user's account safety: `roost users reset-2fa`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from roost.cli.common import console, run_on_instance, users_app

if TYPE_CHECKING:
    from roost.instance import Roost


@users_app.command("reset-2fa")
def users_reset_2fa(
    name: Annotated[str, typer.Argument(help="Username of a local account.")],
) -> None:
    """Turn off a user's two-factor sign-in (they lost their device): the password alone
    signs them in again, and they may set it up anew."""
    from roost.accounts.staff import access_local_user
    from roost.security.two_factor import do_reset

    async def run(roost: Roost) -> str:
        user = await access_local_user(roost.db, name)
        if await do_reset(roost.db, user.account_id):
            return f"Two-factor authentication is off for @{user.username}."
        return f"@{user.username} has no two-factor authentication."

    console.print(run_on_instance(run))
