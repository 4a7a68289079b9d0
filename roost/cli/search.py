"""`roost search reindex`: rebuild the full-text index of posts, with a progress bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from roost.cli.common import console, run_on_instance, search_app

if TYPE_CHECKING:
    from roost.instance import Roost


@search_app.command("reindex")
def search_reindex() -> None:
    """Rebuild the full-text index of posts, for a damaged one (it follows every write)."""
    from roost.search.reindex import reindex

    columns = (TextColumn("Indexing posts"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("reindex", total=None)

        def show(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        async def make(roost: Roost) -> int:
            return await reindex(roost.db, show)

        total = run_on_instance(make)
    console.print(f"Indexed {total:,} posts.")
