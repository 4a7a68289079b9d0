"""`roost announce`: an announcement every signed-in user sees at the top of home."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from roost.cli.common import app, console, run_on_instance

if TYPE_CHECKING:
    from roost.instance import Roost


def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        found = datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{name}: a date and time like 2026-12-24T18:00") from exc
    return found.astimezone(UTC).replace(tzinfo=None) if found.tzinfo else found


@app.command("announce", rich_help_panel="Accounts and content")
def announce(
    text: Annotated[str, typer.Argument(help="The announcement (mentions, #tags, links).")],
    starts_at: Annotated[str | None, typer.Option(help="When it starts (ISO, UTC).")] = None,
    ends_at: Annotated[str | None, typer.Option(help="When it ends (ISO, UTC).")] = None,
    all_day: Annotated[bool, typer.Option("--all-day", help="An all-day event.")] = False,
    draft: Annotated[bool, typer.Option("--draft", help="Save it unpublished.")] = False,
) -> None:
    """Publish an announcement (the web's /admin/announcements edits and removes them)."""
    from roost.announcements.actions import AnnouncementChange, do_create_announcement

    change = AnnouncementChange(
        text=text,
        starts_at=_when(starts_at, "--starts-at"),
        ends_at=_when(ends_at, "--ends-at"),
        all_day=all_day,
        publish=not draft,
    )

    async def run(roost: Roost) -> int:
        return await do_create_announcement(roost.db, roost.settings.base_url, change)

    console.print(f"Announcement {run_on_instance(run)} {'saved' if draft else 'published'}.")
