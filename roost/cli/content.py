"""Operator commands that make accounts, tokens and custom emojis."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Annotated

import typer

from roost.cli.common import (
    console,
    emoji_app,
    parse_role,
    run_on_instance,
    tokens_app,
    users_app,
)

if TYPE_CHECKING:
    from roost.instance import Roost


@users_app.command("create")
def users_create(
    name: Annotated[str, typer.Argument(help="Username (letters, digits, underscores).")],
    email: Annotated[str, typer.Option(help="Email address (admin@localhost will do).")],
    password: Annotated[
        str | None, typer.Option(help="Password; a strong one is generated and printed if omitted.")
    ] = None,
    admin: Annotated[
        bool, typer.Option("--admin", help="Make the account an administrator (--role admin).")
    ] = False,
    role: Annotated[str | None, typer.Option(help="Staff role: owner, admin or moderator.")] = None,
) -> None:
    """Create a local account, optionally with a staff role.

    Unlike sign-ups, the operator may use reserved names (admin) and local-only email
    domains (admin@localhost)."""
    from roost.accounts.registration import do_create_account

    chosen_role = parse_role(role) if role is not None else ("admin" if admin else None)
    chosen = password or secrets.token_urlsafe(15)

    async def make(roost: Roost) -> None:
        await do_create_account(
            roost.db, username=name, email=email, password=chosen, role=chosen_role
        )

    run_on_instance(make)
    console.print(f"Created account @{name}{f' ({chosen_role})' if chosen_role else ''}.")
    if password is None:
        typer.echo(f"Password: {chosen}")


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(help="Username of the account the token acts as.")],
    scopes: Annotated[
        str, typer.Option(help="Space-separated OAuth scopes.")
    ] = "read write follow push",
) -> None:
    """Issue a bearer token for an account and print it."""
    from roost.accounts.queries import access_account_by_username
    from roost.errors import Invalid, NotFound
    from roost.oauth.actions import do_create_token
    from roost.oauth.scopes import parse_scopes, unknown_scopes

    wanted = parse_scopes(scopes)
    bad = unknown_scopes(wanted)
    if bad:
        console.print(f"[red]Unknown scopes:[/red] {' '.join(bad)}")
        raise typer.Exit(2)

    async def make(roost: Roost) -> str:
        account = await access_account_by_username(roost.db, name)
        if account is None:
            raise NotFound(f"No account named {name}")
        if not wanted:
            raise Invalid("At least one scope is needed")
        token = await do_create_token(
            roost.db, account_id=account.id, app_id=None, scopes=" ".join(wanted)
        )
        return token.access_token

    typer.echo(run_on_instance(make))


@emoji_app.command("add")
def emoji_add(
    shortcode: Annotated[str, typer.Argument(help="The :shortcode: without colons.")],
    url: Annotated[str, typer.Option(help="Absolute URL of the image.")],
    category: Annotated[str | None, typer.Option(help="Picker category.")] = None,
) -> None:
    """Add or replace a custom emoji."""
    from roost.emojis.queries import do_add_custom_emoji

    async def make(roost: Roost) -> None:
        await do_add_custom_emoji(roost.db, shortcode, url, category=category)

    run_on_instance(make)
    console.print(f"Added :{shortcode}:.")
