"""`roost media prune` and `roost media usage`: the media store, for the operator."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from roost.cli.common import app, console, run_on_instance

if TYPE_CHECKING:
    from roost.instance import Roost
    from roost.media.prune import Pruned
    from roost.media.usage import Usage

media_app = typer.Typer(help="Uploaded media and its storage.", no_args_is_help=True)
app.add_typer(media_app, name="media", rich_help_panel="Looking after an instance")


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} TB"


@media_app.command("prune")
def media_prune(
    days: float = typer.Option(1.0, min=0.0, help="Remove uploads unattached this long."),
    orphans: bool = typer.Option(True, help="Also remove files whose media row is gone."),
) -> None:
    """Remove uploads never posted (after a day, like the job that runs daily) and files
    whose media row is gone."""
    from datetime import timedelta

    from roost.media.prune import prune

    columns = (SpinnerColumn(), TextColumn("{task.description}"),
               TextColumn("{task.completed:,} done"), TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console) as bar:
        tasks = {
            "media": bar.add_task("Unattached uploads", total=None),
            "files": bar.add_task("Files without a row", total=None),
        }

        def show(what: str, n: int) -> None:
            bar.advance(tasks[what], n)

        async def run(roost: Roost) -> Pruned:
            return await prune(
                roost.db,
                roost.media_storage,
                older_than=timedelta(days=days),
                orphans=orphans,
                progress=show,
            )

        pruned = run_on_instance(run)
    console.print(
        f"Removed {pruned.media:,} unattached uploads and {pruned.orphans:,} files without a "
        f"row ({_size(pruned.bytes)})."
    )


@media_app.command("usage")
def media_usage() -> None:
    """Files and bytes in the media store per type, posted or not."""
    from roost.media.usage import media_usage as usage_of

    async def run(roost: Roost) -> Usage:
        return await usage_of(roost.db, roost.media_storage)

    usage = run_on_instance(run)
    table = Table("type", "posted", "media", "files", "size")
    total_files = total_bytes = 0
    for (kind, state), line in sorted(usage.media.items()):
        table.add_row(kind, state, f"{line.media:,}", f"{line.files:,}", _size(line.bytes))
        total_files += line.files
        total_bytes += line.bytes
    for name, line in (("profile images", usage.profile_images),
                       ("without a row", usage.orphans)):  # fmt: skip
        table.add_row(name, "", "", f"{line.files:,}", _size(line.bytes))
        total_files += line.files
        total_bytes += line.bytes
    table.add_row("total", "", "", f"{total_files:,}", _size(total_bytes))
    typer.echo(table_text(table))


def table_text(table: Table) -> str:
    """The table as plain text (stdout, so that it can be piped)."""
    from rich.console import Console

    plain = Console(width=100, record=True, file=None, force_terminal=False)
    with plain.capture() as captured:
        plain.print(table)
    return captured.get()
