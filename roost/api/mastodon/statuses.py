"""/api/v1/statuses: post, read, delete, context, and the interactions on a status."""

from __future__ import annotations

from starlette.responses import Response

from roost.accounts.entities import Account
from roost.api.http import Api, ApiRequest, page_response
from roost.errors import Invalid
from roost.http.params import Params, header, id_or_none
from roost.http.responses import json_response
from roost.media.attach import MAX_ATTACHMENTS
from roost.polls.actions import NewPoll
from roost.scheduled.actions import do_schedule_status, parse_scheduled_at
from roost.scheduled.queries import render_scheduled
from roost.statuses import actions, edits, posting
from roost.statuses.entities import (
    Context,
    Status,
    StatusEdit,
    StatusSource,
)
from roost.statuses.queries import access_interactions, access_status
from roost.statuses.visible import Visible
from roost.timelines.queries import Paging, context

api = Api()
MAX_IDS = 40  # statuses per GET /api/v1/statuses?id[]=..., as Mastodon
MAX_IDEMPOTENCY_KEY = 200  # characters: the width of idempotency_keys.key


def paging(req: ApiRequest, default: int = 20, maximum: int = 40) -> Paging:
    """max_id / since_id / min_id / limit, as every Mastodon list takes them."""
    p = req.params
    return Paging(
        max_id=p.id("max_id"),
        since_id=p.id("since_id"),
        min_id=p.id("min_id"),
        limit=p.int("limit", default, lo=1, hi=maximum),
    )


def poll_param(req: ApiRequest) -> NewPoll | None:
    """`poll[options][]`, `poll[expires_in]`, `poll[multiple]`, `poll[hide_totals]` (form
    fields or a JSON `poll` object); None without options."""
    p = req.params
    options = p.list("poll[options]")
    if not options:
        if p.has("poll[expires_in]"):
            raise Invalid("Poll options must have more than one item")
        return None
    if len(options) > 100 or any(isinstance(o, bool) or not isinstance(o, str | int | float)
                                 for o in options):  # fmt: skip
        raise Invalid("Poll options must be a list of texts")
    options = [str(o) for o in options]
    expires_in = p.int("poll[expires_in]")
    if expires_in is None:
        raise Invalid("Poll expires_in can't be blank")
    return NewPoll(
        options=options,
        expires_in=expires_in,
        multiple=bool(p.bool("poll[multiple]", False)),
        hide_totals=bool(p.bool("poll[hide_totals]", False)),
    )


def media_ids_param(p: Params) -> tuple[int, ...]:
    """`media_ids[]`: ids of one's uploads, in order; a value that is no id names no
    upload (422, as Mastodon answers for an unknown one)."""
    values = [v for v in p.list("media_ids") if v != ""]
    if len(values) > MAX_ATTACHMENTS:
        raise Invalid(f"Cannot attach more than {MAX_ATTACHMENTS} files")
    ids = tuple(i for v in values if (i := id_or_none(str(v))) is not None)
    if len(ids) != len(values):
        raise Invalid("Media not found or already attached to another post")
    return ids


async def _render(req: ApiRequest, status_id: int) -> Response:
    return json_response(await req.roost.statuses.one(req.viewer_id, status_id))


@api.route("/api/v1/statuses", "POST", scope="write:statuses", user=True, response=Status)
async def create_status(req: ApiRequest) -> Response:
    """Post a new status."""
    p = req.params
    scheduled_at = p.str("scheduled_at", max_len=64) or None
    post = posting.NewStatus(
        text=p.str("status", "", max_len=100_000),
        spoiler_text=p.str("spoiler_text", "", max_len=10_000),
        visibility=p.str("visibility") or None,
        sensitive=p.bool("sensitive"),
        language=p.str("language"),
        in_reply_to_id=p.id("in_reply_to_id"),
        app_id=req.me.app_id,
        idempotency_key=header(req.request, "idempotency-key", max_len=MAX_IDEMPOTENCY_KEY),
        poll=poll_param(req),
        allowed_mentions=tuple(p.ids("allowed_mentions", most=1000))
        if p.has("allowed_mentions")
        else None,
        quoted_status_id=p.id("quoted_status_id"),
        quote_approval_policy=p.str("quote_approval_policy", max_len=20) or None,
        media_ids=media_ids_param(p),
    )
    if scheduled_at is not None:
        # A ScheduledStatus, not a Status: Mastodon answers this way (clients know it by
        # its `scheduled_at` and `params`).
        row = await do_schedule_status(
            req.roost.db, req.me_id, post, parse_scheduled_at(scheduled_at),
            max_chars=req.roost.settings.max_post_chars,
        )  # fmt: skip
        rendered = await render_scheduled(req.roost.db, [row], req.roost.media_storage)
        return json_response(rendered[0])
    base_url = req.roost.settings.base_url
    try:
        posted = await posting.do_post_status_returning(
            req.roost.db,
            req.me_id,
            post,
            base_url=base_url,
            max_chars=req.roost.settings.max_post_chars,
        )
    except posting.UnexpectedMentions as exc:
        # Mastodon's answer names the accounts, so that the client can ask before sending.
        unexpected = await req.roost.accounts.listed(exc.account_ids)
        return json_response({"error": exc.message, "unexpected_accounts": unexpected}, 422)
    if (
        posted.replayed
        or posted.quote_of_id is not None  # the quoted post is rendered in it
        or posted.author.suspended_at is not None
        or posted.author.approved is False
    ):
        return await _render(req, posted.id)
    return json_response(req.roost.statuses.posted(posted))


@api.route("/api/v1/statuses/{id}", response=Status)
async def get_status(req: ApiRequest) -> Response:
    """View a single status (public ones without a token too)."""
    return await _render(req, req.path_id())


@api.route("/api/v1/statuses", response=list[Status], summary="View multiple statuses")
async def get_statuses(req: ApiRequest) -> Response:
    """View multiple statuses (`id[]`); unknown or hidden ones are left out."""
    ids = req.params.ids("id", most=MAX_IDS)
    return json_response(await req.roost.statuses.visible(req.viewer_id, ids))


@api.route("/api/v1/statuses/{id}", "DELETE", scope="write:statuses", user=True, response=Status)
async def delete_status(req: ApiRequest) -> Response:
    """Delete one's own status; the answer carries its source `text` (delete & redraft)."""
    status_id = req.path_id()
    rendered = await req.roost.statuses.one(req.viewer_id, status_id)
    row = await actions.do_delete_status(req.roost.db, req.me_id, status_id)
    rendered.text = row.text
    rendered.favourited = rendered.reblogged = rendered.bookmarked = False
    rendered.pinned = False
    return json_response(rendered)


@api.route("/api/v1/statuses/{id}/context", response=Context)
async def get_context(req: ApiRequest) -> Response:
    """The thread around a status: ancestors and descendants the viewer may see."""
    ancestors, descendants = await context(req.roost.db, req.viewer_id, req.path_id())
    rendered = await req.roost.statuses.render(Visible.join(ancestors, descendants), "thread")
    by_id = {int(s.id): s for s in rendered}
    return json_response(
        Context(
            ancestors=[by_id[i] for i in ancestors if i in by_id],
            descendants=[by_id[i] for i in descendants if i in by_id],
        )
    )


@api.route("/api/v1/statuses/{id}", "PUT", scope="write:statuses", user=True, response=Status)
async def edit_status(req: ApiRequest) -> Response:
    """Edit one's own status: the new text, content warning, sensitivity, language and
    poll (a poll left out is removed; new options start its count again)."""
    p = req.params
    change = edits.StatusChange(
        text=p.str("status", "", max_len=100_000),
        spoiler_text=p.str("spoiler_text", "", max_len=10_000),
        sensitive=p.bool("sensitive"),
        language=p.str("language"),
        poll=poll_param(req),
        # Mastodon changes the media only when the client sends `media_ids` (even empty).
        media_ids=media_ids_param(p) if p.has("media_ids") else None,
    )
    settings = req.roost.settings
    await edits.do_edit_status(
        req.roost.db, req.me_id, req.path_id(), change, base_url=settings.base_url,
        max_chars=settings.max_post_chars,
    )  # fmt: skip
    return await _render(req, req.path_id())


@api.route("/api/v1/statuses/{id}/history", response=list[StatusEdit])
async def get_history(req: ApiRequest) -> Response:
    """A status's versions, oldest first (one, itself, if it was never edited)."""
    return json_response(await req.roost.statuses.history(req.viewer_id, req.path_id()))


@api.route("/api/v1/statuses/{id}/source", scope="read:statuses", user=True, response=StatusSource)
async def get_source(req: ApiRequest) -> Response:
    """The plain text of one's own status, for editing."""
    row = await access_status(req.roost.db, req.me_id, req.path_id())
    if row.account_id != req.me_id:
        raise Invalid("Only your own posts have a source")
    return json_response(StatusSource(id=str(row.id), text=row.text, spoiler_text=row.spoiler_text))


def _interaction(path: str, scope: str, action: str, summary: str) -> None:
    async def handler(req: ApiRequest) -> Response:
        db, me, sid = req.roost.db, req.me_id, req.path_id()
        if action == "reblog":
            visibility = req.params.str("visibility", "public") or "public"
            reblog_id = await actions.do_reblog(db, me, sid, visibility)
            return await _render(req, reblog_id)
        if action == "unreblog":
            target = await actions.do_unreblog(db, me, sid)
        elif action == "favourite":
            target = await actions.do_favourite(db, me, sid)
        elif action == "unfavourite":
            target = await actions.do_unfavourite(db, me, sid)
        elif action in ("bookmark", "unbookmark"):
            target = await actions.do_bookmark(db, me, sid, action == "bookmark")
        else:
            target = await actions.do_pin(db, me, sid, action == "pin")
        return await _render(req, target)

    handler.__doc__ = summary
    api.route(path, "POST", scope=scope, user=True, response=Status, summary=summary)(handler)


_interaction("/api/v1/statuses/{id}/reblog", "write:statuses", "reblog", "Boost a status")
_interaction("/api/v1/statuses/{id}/unreblog", "write:statuses", "unreblog", "Undo a boost")
_interaction("/api/v1/statuses/{id}/favourite", "write:favourites", "favourite", "Favourite")
_interaction("/api/v1/statuses/{id}/unfavourite", "write:favourites", "unfavourite", "Unfavourite")
_interaction("/api/v1/statuses/{id}/bookmark", "write:bookmarks", "bookmark", "Bookmark")
_interaction("/api/v1/statuses/{id}/unbookmark", "write:bookmarks", "unbookmark", "Unbookmark")
_interaction("/api/v1/statuses/{id}/pin", "write:accounts", "pin", "Pin to profile")
_interaction("/api/v1/statuses/{id}/unpin", "write:accounts", "unpin", "Unpin from profile")


async def _who(req: ApiRequest, kind: str) -> Response:
    p = paging(req, 40, 80)
    rows = await access_interactions(
        req.roost.db, req.viewer_id, req.path_id(), kind,
        max_id=p.max_id, since_id=p.since_id, limit=p.limit,
    )  # fmt: skip
    accounts: list[Account] = await req.roost.accounts.listed(
        [account_id for _, account_id in rows]
    )
    return page_response(req, accounts, rows[0][0] if rows else None, rows[-1][0] if rows else None)


@api.route("/api/v1/statuses/{id}/reblogged_by", response=list[Account])
async def reblogged_by(req: ApiRequest) -> Response:
    """Accounts that boosted a status."""
    return await _who(req, "reblogs")


@api.route("/api/v1/statuses/{id}/favourited_by", response=list[Account])
async def favourited_by(req: ApiRequest) -> Response:
    """Accounts that favourited a status."""
    return await _who(req, "favourites")
