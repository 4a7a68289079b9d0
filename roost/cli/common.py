"""What every `roost` command shares: the typer apps, the console, settings, and running
one operation on an instance built once."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.console import Console

from roost.config import Settings

app = typer.Typer(
    help="Roost: a Twitter-style social network that speaks the Mastodon client API.",
    no_args_is_help=True,
    add_completion=False,
)
users_app = typer.Typer(
    help="Local accounts: create, staff roles, suspend, unsuspend, approve sign-ups.",
    no_args_is_help=True,
)
tokens_app = typer.Typer(help="Issue API tokens.", no_args_is_help=True)
emoji_app = typer.Typer(help="Manage custom emojis.", no_args_is_help=True)
search_app = typer.Typer(help="Full-text search of posts.", no_args_is_help=True)
trends_app = typer.Typer(help="Review trending hashtags, posts and links.", no_args_is_help=True)
app.add_typer(users_app, name="users", rich_help_panel="Accounts and content")
app.add_typer(tokens_app, name="tokens", rich_help_panel="Accounts and content")
app.add_typer(emoji_app, name="emoji", rich_help_panel="Accounts and content")
app.add_typer(search_app, name="search", rich_help_panel="Looking after an instance")
app.add_typer(trends_app, name="trends", rich_help_panel="Looking after an instance")
console = Console(stderr=True)
if TYPE_CHECKING:
    from roost.instance import Roost

T = TypeVar("T")


@app.callback()
def _private_files() -> None:
    # Before any command creates the data dir, the database (emails, password hashes,
    # client secrets), its WAL files or secret_key: they are the owner's alone (0700/0600).
    os.umask(0o077)


def load_settings() -> Settings:
    try:
        return Settings.from_env().with_secret()
    except ValueError as exc:
        console.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def run_on_instance(make: Callable[[Roost], Awaitable[T]]) -> T:
    """Run one async operation on the configured instance (its database migrated first);
    the instance is built once here, and closed afterwards."""
    from roost.db.migrate import upgrade
    from roost.errors import RoostError
    from roost.instance import Roost

    settings = load_settings()

    async def main() -> T:
        await upgrade(settings.database_url)
        roost = Roost(settings)
        try:
            return await make(roost)
        finally:
            await roost.close()
            await roost.db.dispose()

    try:
        return asyncio.run(main())
    except RoostError as exc:
        console.print(f"[red]Error:[/red] {exc.message}")
        raise typer.Exit(1) from exc


def parse_role(choice: str) -> str | None:
    """A role named on the command line (`none` → None); exit 2 naming the choices."""
    from roost.accounts.roles import role_key

    try:
        return role_key(choice)
    except ValueError as exc:
        console.print(f"[red]Error:[/red] {exc}")
        raise typer.Exit(2) from exc


def load_settings_as_is() -> Settings:
    """Settings without making a secret key (restore brings one; backup copies what is)."""
    try:
        return Settings.from_env()
    except ValueError as exc:
        console.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc
