"""Operator commands that look after an instance: jobs, doctor, backups, read-only mode."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from roost.cli.common import app, console, load_settings_as_is, run_on_instance
from roost.config import Settings

if TYPE_CHECKING:
    from roost.instance import Roost


@app.command(rich_help_panel="Looking after an instance")
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

    run_on_instance(make)


@app.command(rich_help_panel="Looking after an instance")
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


@app.command(rich_help_panel="Looking after an instance")
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
    """Write a consistent snapshot (database, secret and VAPID keys) to FILE, while serving."""
    from roost.ops.backup import BackupError, prune, timestamped, write_backup

    if file is not None:
        target = file
    elif into is not None:
        target = timestamped(into)
    else:
        console.print("[red]Name a FILE, or a directory with --dir (or ROOST_BACKUP_DIR).[/red]")
        raise typer.Exit(2)
    settings = load_settings_as_is()
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


@app.command(rich_help_panel="Looking after an instance")
def restore(
    file: Annotated[Path, typer.Argument(help="An archive written by `roost backup`.")],
) -> None:
    """Restore a backup into an empty data dir and an empty database, then migrate."""
    from roost.ops.backup import BackupError, restore_backup

    settings = load_settings_as_is()
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


@app.command(rich_help_panel="Looking after an instance")
def maintenance(
    state: Annotated[str, typer.Argument(help="on (read-only) or off.")],
    message: Annotated[str, typer.Option(help="What people see while it is on.")] = "",
) -> None:
    """Read-only mode for every process: reads go on, writes answer 503 (within 2 s)."""
    from roost.maintenance.state import do_set_maintenance

    if state not in ("on", "off"):
        console.print(f"[red]Say on or off,[/red] not {state!r}.")
        raise typer.Exit(2)

    async def make(roost: Roost) -> None:
        await do_set_maintenance(roost.db, state == "on", message)

    run_on_instance(make)
    if state == "on":
        console.print("Read-only mode is on: writes answer 503 until `roost maintenance off`.")
    else:
        console.print("Read-only mode is off.")
