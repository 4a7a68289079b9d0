"""`roost trends`: what is trending, what waits for review, and approving or rejecting it
(with ROOST_TRENDS_REVIEW=1 nothing trends before it is approved)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from roost.cli.common import console, run_on_instance, trends_app

if TYPE_CHECKING:
    from roost.instance import Roost

Kind = Annotated[str, typer.Argument(help="tag, status or link.")]
Target = Annotated[
    str, typer.Argument(help="The hashtag's name, the post's id, or the link's URL.")
]


@trends_app.command("list")
def trends_list() -> None:
    """Show the trending hashtags, posts and links, and which wait for review."""
    from roost.cards.render import card_urls
    from roost.trends.queries import (
        pending_review,
        tag_rows,
        trending_links,
        trending_statuses,
        trending_tags,
    )

    async def make(roost: Roost) -> tuple[Any, ...]:
        db, cache, review = roost.db, roost.cache, roost.settings.trends_review
        shown = await tag_rows(db, await trending_tags(db, cache, review=review, limit=20))
        waiting = await tag_rows(db, await pending_review(db, cache, "tag"))
        posts = await trending_statuses(db, cache, None, review=review, limit=20)
        links = await card_urls(db, await trending_links(db, cache, review=review, limit=20))
        links_waiting = await card_urls(db, await pending_review(db, cache, "link"))
        return ([r.name for r in shown], list(posts), [r.name for r in waiting],
                await pending_review(db, cache, "status"), links, links_waiting)  # fmt: skip

    tags, posts, tags_waiting, posts_waiting, links, links_waiting = run_on_instance(make)
    table = Table("kind", "trending", "waiting for review")
    table.add_row("hashtags", " ".join(f"#{t}" for t in tags) or "—",
                  " ".join(f"#{t}" for t in tags_waiting) or "—")  # fmt: skip
    table.add_row("posts", " ".join(map(str, posts)) or "—",
                  " ".join(map(str, posts_waiting)) or "—")  # fmt: skip
    table.add_row("links", "\n".join(links) or "—", "\n".join(links_waiting) or "—")
    Console().print(table)  # the answer: on stdout


def _review(kind: str, target: str, trendable: bool) -> None:
    from roost.errors import Invalid, NotFound
    from roost.trends.actions import KINDS, do_review

    if kind not in KINDS:
        console.print("[red]Error:[/red] the kind is tag, status or link")
        raise typer.Exit(2)

    async def make(roost: Roost) -> None:
        if kind == "tag":
            from roost.search.queries import access_tag

            row = await access_tag(roost.db, target.removeprefix("#"))
            if row is None:
                raise NotFound(f"Nobody has used #{target.removeprefix('#')}")
            target_id = int(row.id)
        elif kind == "link":
            from roost.cards.render import card_id_of

            found = await card_id_of(roost.db, target)
            if found is None:
                raise NotFound(f"No post has shared {target}")
            target_id = found
        elif target.isdigit():
            target_id = int(target)
        else:
            raise Invalid(f"{target!r} is not a post's id")
        await do_review(roost.db, kind, target_id, trendable)

    run_on_instance(make)
    console.print(f"{'Approved' if trendable else 'Rejected'} {kind} {target}.")


@trends_app.command("approve")
def trends_approve(kind: Kind, target: Target) -> None:
    """Let a hashtag, post or link trend."""
    _review(kind, target, True)


@trends_app.command("reject")
def trends_reject(kind: Kind, target: Target) -> None:
    """Keep a hashtag, post or link out of trends for good."""
    _review(kind, target, False)
