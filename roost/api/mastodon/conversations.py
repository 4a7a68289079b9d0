"""/api/v1/conversations: direct messages by thread, newest first."""

from __future__ import annotations

from starlette.responses import Response

from roost.api.http import Api, ApiRequest, page_response
from roost.conversations.actions import do_mark_read, do_remove
from roost.conversations.entities import Conversation
from roost.conversations.queries import (
    access_conversation,
    conversations_page,
    render_conversations,
)
from roost.http.responses import json_response

api = Api()


async def _one(req: ApiRequest, conversation_id: int) -> Response:
    row = await access_conversation(req.roost.db, req.me_id, conversation_id)
    found = await render_conversations(req.roost.accounts, req.roost.statuses, req.me_id, [row])
    return json_response(found[0])


@api.route("/api/v1/conversations", scope="read:statuses", user=True, response=list[Conversation])
async def list_conversations(req: ApiRequest) -> Response:
    """One's conversations (threads of direct posts), the most recently active first."""
    p = req.params
    rows = await conversations_page(
        req.roost.db, req.me_id, max_id=p.id("max_id"), since_id=p.id("since_id"),
        min_id=p.id("min_id"), limit=p.int("limit", 20, lo=1, hi=40),
    )  # fmt: skip
    found = await render_conversations(req.roost.accounts, req.roost.statuses, req.me_id, rows)
    first = rows[0].last_status_id if rows else None
    last = rows[-1].last_status_id if rows else None
    return page_response(req, found, first, last)


@api.route(
    "/api/v1/conversations/{id}/read", "POST", scope="write:conversations", user=True,
    response=Conversation,
)  # fmt: skip
async def read_conversation(req: ApiRequest) -> Response:
    """Mark a conversation as read."""
    await do_mark_read(req.roost.db, req.me_id, req.path_id())
    return await _one(req, req.path_id())


@api.route("/api/v1/conversations/{id}", "DELETE", scope="write:conversations", user=True)
async def remove_conversation(req: ApiRequest) -> Response:
    """Remove a conversation from one's list (it comes back with its next post)."""
    await do_remove(req.roost.db, req.me_id, req.path_id())
    return json_response({})
