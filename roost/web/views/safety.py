"""Block and mute from a profile (POST /@name/block, /unblock, /mute, /unmute), as every
Mastodon app offers beside Report: the API's actions, then back to the page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response

from roost.db import Database
from roost.graph.actions import do_block, do_mute, do_unblock, do_unmute
from roost.graph.entities import Relationship
from roost.web.render import Page, form_str, form_view, read_form, redirect, safe_next
from roost.web.views.profiles import account_of

Change = Callable[[Database, int, int], Awaitable[Relationship]]


async def _change(page: Page, change: Change) -> Response:
    account = await account_of(page)
    form = await read_form(page)
    await change(page.roost.db, page.me_id, int(account.id))
    return redirect(safe_next(form_str(page, form, "next", max_len=2000), f"/@{account.username}"))


@form_view()
async def block(page: Page) -> Response:
    """POST /@name/block: follows between the two end, both ways."""
    return await _change(page, do_block)


@form_view()
async def unblock(page: Page) -> Response:
    """POST /@name/unblock."""
    return await _change(page, do_unblock)


@form_view()
async def mute(page: Page) -> Response:
    """POST /@name/mute: their posts and notifications leave the viewer's timelines."""
    return await _change(page, do_mute)


@form_view()
async def unmute(page: Page) -> Response:
    """POST /@name/unmute."""
    return await _change(page, do_unmute)
