"""Direct messages on the web: one's conversations, and each as a chat thread."""

from __future__ import annotations

import contextlib

from starlette.responses import Response

from roost.conversations.actions import do_mark_read
from roost.conversations.queries import (
    access_conversation,
    conversations_page,
    render_conversations,
    thread_of,
)
from roost.errors import NotFound, RoostError
from roost.web.render import Page, page_view, parse_id, render


@page_view(login=True)
async def conversations(page: Page) -> Response:
    """GET /conversations: one's conversations, the most recently active first."""
    rows = await conversations_page(page.roost.db, page.me_id, limit=40)
    found = await render_conversations(page.roost.accounts, page.roost.statuses, page.me_id, rows)
    return render(page, "conversations.html", nav="conversations", conversations=found)


@page_view(login=True)
async def conversation(page: Page) -> Response:
    """GET /conversations/{id}: a conversation as a chat, oldest first, with a reply box;
    opening it marks it read."""
    conversation_id = parse_id(str(page.request.path_params["id"]))
    if conversation_id is None:
        raise NotFound()
    db = page.roost.db
    row = await access_conversation(db, page.me_id, conversation_id)
    messages = await page.roost.statuses.render(await thread_of(db, page.me_id, conversation_id))
    if row.unread:
        with contextlib.suppress(RoostError):  # read-only mode: shown, left unread
            await do_mark_read(db, page.me_id, conversation_id)
    [entity] = await render_conversations(
        page.roost.accounts, page.roost.statuses, page.me_id, [row]
    )
    mentions = " ".join(f"@{a.acct}" for a in entity.accounts)
    return render(
        page,
        "conversation.html",
        nav="conversations",
        conversation=entity,
        messages=messages,
        reply_to=messages[-1] if messages else None,
        reply_prefill=f"{mentions} " if mentions else "",
        visibility="direct",
        next_url=f"/conversations/{conversation_id}",
    )
