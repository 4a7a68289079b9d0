"""`roost ...`: serve, worker and the operator commands (migrate, doctor, backup, ...)."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console

from roost.config import Settings

app = typer.Typer(
    help="Roost: a Twitter-style social network that speaks the Mastodon client API.",
    no_args_is_help=True,
    add_completion=False,
)
users_app = typer.Typer(help="Manage local accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="Issue API tokens.", no_args_is_help=True)
emoji_app = typer.Typer(help="Manage custom emojis.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(emoji_app, name="emoji")
console = Console(stderr=True)
if TYPE_CHECKING:
    from roost.instance import Roost

T = TypeVar("T")


@app.callback()
def _private_files() -> None:
    # Before any command creates the data dir, the database (emails, password hashes,
    # client secrets), its WAL files or secret_key: they are the owner's alone (0700/0600).
    os.umask(0o077)


def _settings() -> Settings:
    try:
        return Settings.from_env().with_secret()
    except ValueError as exc:
        console.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _run(make: Callable[[Roost], Awaitable[T]]) -> T:
    """Run one async operation on the configured instance (its database migrated first);
    the instance is built once here, and closed afterwards."""
    from roost.db.migrate import upgrade
    from roost.errors import RoostError
    from roost.instance import Roost

    settings = _settings()

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


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Number of web processes.", min=1)] = 1,
    no_worker: Annotated[
        bool,
        typer.Option("--no-worker", help="Run no job worker here; leave jobs to `roost worker`."),
    ] = False,
) -> None:
    """Serve Roost over HTTP (applies pending database migrations first)."""
    import uvicorn

    from roost.db.migrate import upgrade_sync
    from roost.logs import uvicorn_log_config

    settings = _settings()
    if workers > 1 and not settings.redis_url:
        console.print(
            "[red]--workers above 1 needs ROOST_REDIS_URL:[/red] without Redis, live updates "
            "and caches live inside one process and would not reach the others."
        )
        raise typer.Exit(2)
    if no_worker:
        # uvicorn starts the app from the environment in each process.
        os.environ["ROOST_NO_WORKER"] = "1"
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # /metrics adds up every web process's counts from files here (prometheus-client's
        # multiprocess mode); set before any process imports prometheus_client.
        metrics_dir = settings.data_dir / "metrics"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    upgrade_sync(settings.database_url)
    console.print(
        f"Roost serving http://{host}:{port} (public address {settings.base_url}, "
        f"database {settings.database_url.split('://', 1)[0]})"
    )
    uvicorn.run(
        "roost.asgi:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,  # ROOST_TRUSTED_PROXIES
        server_header=False,
        log_config=uvicorn_log_config(),  # tokens in query strings are redacted
    )


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Run what is due, then exit.")] = False,
) -> None:
    """Run background jobs (fan-out, feed upkeep). Start as many as the load needs."""
    import logging
    import signal

    from roost.db.migrate import upgrade
    from roost.instance import Roost

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = _settings()

    async def main() -> None:
        await upgrade(settings.database_url)
        roost = Roost(settings)
        try:
            if once:
                done = await roost.start_worker_once()
                console.print(f"Ran {done} jobs.")
                return
            task = roost.start_worker()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, roost.close_worker)
            await task
        finally:
            await roost.close()
            await roost.db.dispose()

    asyncio.run(main())


@app.command()
def jobs(
    retry_dead: Annotated[
        bool, typer.Option("--retry-dead", help="Queue every dead job again.")
    ] = False,
) -> None:
    """Show the job queue: jobs per state and the latest dead jobs with their errors."""
    from roost.jobs import queue

    async def make(roost: Roost) -> None:
        db = roost.db
        if retry_dead:
            console.print(f"Queued {await queue.retry_dead(db)} dead jobs again.")
        states = await queue.counts(db)
        typer.echo(" ".join(f"{k}={v}" for k, v in sorted(states.items())) or "no jobs")
        for job in await queue.dead_jobs(db, 10):
            last = (job.last_error or "").strip().splitlines()[-1:] or [""]
            typer.echo(f"dead {job.id} {job.kind} attempts={job.attempts}: {last[0]}")

    _run(make)


@app.command()
def doctor(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the findings as a JSON list.")
    ] = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Repair what is safe: requeue dead and stuck jobs, drop inconsistent feeds, "
            "apply migrations, make private files private.",
        ),
    ] = False,
) -> None:
    """Check the instance; name each fault, why it matters and the command that fixes it.

    Exits 1 when something is wrong (and not fixed by --fix), 0 when all is well."""
    import json

    from roost.instance import Roost
    from roost.ops.doctor import config_finding, examine
    from roost.ops.findings import Finding, Subject

    try:
        settings = Settings.from_env()
    except ValueError as exc:
        findings = [config_finding(exc)]
    else:

        async def main() -> list[Finding]:
            roost = Roost(settings)
            try:
                subject = Subject(settings, roost.db, roost.feeds, roost.backends.redis)
                return await examine(subject, fix=fix)
            finally:
                await roost.close()
                await roost.db.dispose()

        findings = asyncio.run(main())
    if as_json:
        typer.echo(json.dumps([f.as_json() for f in findings], indent=2))
    else:
        from rich.text import Text

        out = Console(highlight=False, soft_wrap=True)
        for f in findings:
            mark = ("ok", "green") if f.ok else ("fixed", "green") if f.fixed else ("FAIL", "red")
            out.print(Text(mark[0], style=mark[1]) + Text(f" {f.check}: {f.message}"))
            for label, text in (("why", f.why), ("fix", f.fix), ("did", f.fixed)):
                if text and not f.ok:
                    out.print(Text(f"     {label}: {text}"))
    if not all(f.resolved for f in findings):
        raise typer.Exit(1)


def _settings_as_is() -> Settings:
    """Settings without making a secret key (restore brings one; backup copies what is)."""
    try:
        return Settings.from_env()
    except ValueError as exc:
        console.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


@app.command()
def backup(
    file: Annotated[
        Path | None,
        typer.Argument(help="The archive to write (replaced if it exists); or use --dir."),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            envvar="ROOST_BACKUP_DIR",
            help="Write roost-<UTC time>.tar.gz here instead, keeping the newest --keep.",
        ),
    ] = None,
    keep: Annotated[
        int,
        typer.Option(envvar="ROOST_BACKUP_KEEP", min=1, help="Backups --dir keeps."),
    ] = 7,
) -> None:
    """Write a consistent snapshot (database, secret key) to FILE, while Roost serves."""
    from roost.ops.backup import BackupError, prune, timestamped, write_backup

    if file is not None:
        target = file
    elif into is not None:
        target = timestamped(into)
    else:
        console.print("[red]Name a FILE, or a directory with --dir (or ROOST_BACKUP_DIR).[/red]")
        raise typer.Exit(2)
    settings = _settings_as_is()
    try:
        manifest = asyncio.run(write_backup(settings, target))
    except BackupError as exc:
        console.print(f"[red]Backup failed:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(1) from exc
    console.print(
        f"Backed up the {manifest['backend']} database (revision {manifest['alembic_revision']})"
        f" and {', '.join(manifest['files'][1:]) or 'no secret key'} to {target}.",
        soft_wrap=True,
    )
    if file is None:
        for old in prune(target.parent, keep):
            console.print(f"Removed the old backup {old}.", soft_wrap=True)


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="An archive written by `roost backup`.")],
) -> None:
    """Restore a backup into an empty data dir and an empty database, then migrate."""
    from roost.ops.backup import BackupError, restore_backup

    settings = _settings_as_is()
    try:
        manifest = asyncio.run(restore_backup(settings, file))
    except BackupError as exc:
        console.print(f"[red]Restore failed:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(1) from exc
    console.print(
        f"Restored the backup of {manifest['created_at']} (Roost {manifest['roost_version']})"
        f" into {settings.data_dir}; the database is up to date.",
        soft_wrap=True,
    )


@app.command()
def migrate() -> None:
    """Apply pending database migrations."""
    from roost.db.migrate import upgrade_sync

    settings = _settings()
    upgrade_sync(settings.database_url)
    console.print("Database is up to date.")


@users_app.command("create")
def users_create(
    name: Annotated[str, typer.Argument(help="Username (letters, digits, underscores).")],
    email: Annotated[str, typer.Option(help="Email address.")],
    password: Annotated[
        str | None, typer.Option(help="Password; a strong one is generated and printed if omitted.")
    ] = None,
    admin: Annotated[
        bool, typer.Option("--admin", help="Make the account an administrator.")
    ] = False,
) -> None:
    """Create a local account."""
    from roost.accounts.registration import do_create_account

    chosen = password or secrets.token_urlsafe(15)

    async def make(roost: Roost) -> None:
        await do_create_account(roost.db, username=name, email=email, password=chosen, admin=admin)

    _run(make)
    console.print(f"Created account @{name}{' (admin)' if admin else ''}.")
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

    typer.echo(_run(make))


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

    _run(make)
    console.print(f"Added :{shortcode}:.")


def main() -> None:
    app()
