"""Posting, and the buttons on a post: like, repost, bookmark, delete.

Each button is a small form that works without JavaScript (POST, then back to the page it
was on); app.js sends the same form with `X-Requested-With: roost` and swaps in the
re-rendered buttons this answers with.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.datastructures import FormData
from starlette.responses import Response

from roost.db import Database
from roost.errors import Invalid, NotFound, RoostError
from roost.polls.actions import NewPoll, do_vote
from roost.polls.entities import MAX_EXPIRATION, MAX_OPTION_CHARS, MAX_OPTIONS, MIN_EXPIRATION
from roost.scheduled.actions import check_time, do_schedule_status, parse_scheduled_at
from roost.statuses import actions, posting
from roost.statuses.entities import VISIBILITIES
from roost.text.length import weighted_length
from roost.timeutil import utcnow
from roost.web.render import (
    Page,
    form_str,
    form_view,
    page_view,
    parse_id,
    read_form,
    redirect,
    render,
    safe_next,
    wants_fragment,
)
from roost.web.uploads import ComposeMedia, compose_media

MAX_SPOILER = 500


async def _compose_page(
    page: Page,
    *,
    status: int = 200,
    error: str = "",
    poll: WebPoll | None = None,
    media: ComposeMedia | None = None,
    **values: str,
) -> Response:
    quoted = None
    quote_id = parse_id(values.get("quoted_status_id") or None)
    if quote_id is not None:  # a quote: the quoted post is shown above the box
        quoted = await page.roost.statuses.one(page.me_id, quote_id)
    return render(
        page,
        "compose.html",
        status_code=status,
        error=error,
        text=values.get("text", ""),
        spoiler_text=values.get("spoiler_text", ""),
        visibility=values.get("visibility", ""),
        in_reply_to_id=values.get("in_reply_to_id", ""),
        next_url=values.get("next_url", "/"),
        poll_options=poll.options if poll else [],
        poll_expires_in=poll.expires_in if poll else "",
        poll_multiple=poll.multiple if poll else False,
        scheduled_at=values.get("scheduled_at", ""),
        quoted=quoted,
        media=media.shown if media else [],
    )


@dataclass(frozen=True)
class WebPoll:
    """The compose form's poll fields, as typed."""

    options: list[str]
    expires_in: str
    multiple: bool

    def checked(self, page: Page) -> tuple[NewPoll | None, str]:
        """The poll to post (None when no choice was filled in), or an error to show."""
        filled = [o.strip() for o in self.options if o.strip()]
        if not filled:
            return None, ""
        if len(filled) < 2:
            return None, page._("A poll needs at least two choices.")
        if len(set(filled)) < len(filled):
            return None, page._("Each choice of the poll must be different.")
        if any(len(o) > MAX_OPTION_CHARS for o in filled):
            return None, page._("A choice of the poll is too long.")
        seconds = parse_id(self.expires_in)
        if seconds is None or not MIN_EXPIRATION <= seconds <= MAX_EXPIRATION:
            return None, page._("Choose how long the poll stays open.")
        return NewPoll(filled, seconds, self.multiple), ""


def _poll_fields(page: Page, form: FormData) -> WebPoll:
    options = form.getlist("poll_option")
    if len(options) > MAX_OPTIONS or not all(isinstance(o, str) and len(o) <= 200 for o in options):
        raise RoostError(page._("The form holds a value that is too long or not text."), status=422)
    return WebPoll(
        [str(o) for o in options],
        form_str(page, form, "poll_expires_in", max_len=20),
        bool(form_str(page, form, "poll_multiple", max_len=5)),
    )


@page_view(login=True)
async def compose(page: Page) -> Response:
    """GET /compose: the compose box on a page of its own (the phone layout's Post button);
    `?quote=ID` quotes that post."""
    quote = page.request.query_params.get("quote", "")
    return await _compose_page(page, quoted_status_id=quote[:20])


@form_view()
async def post_status(page: Page) -> Response:
    """POST /statuses: post (or reply); back to the page the form was on."""
    form = await read_form(page)
    text = form_str(page, form, "status", max_len=20_000)
    spoiler = form_str(page, form, "spoiler_text", max_len=2000).strip()
    visibility = form_str(page, form, "visibility", max_len=20) or None
    reply_to = form_str(page, form, "in_reply_to_id", max_len=20)
    next_url = safe_next(form_str(page, form, "next", max_len=2000))
    scheduled_at = form_str(page, form, "scheduled_at", max_len=40).strip()
    values = {
        "text": text,
        "spoiler_text": spoiler,
        "visibility": visibility or "",
        "in_reply_to_id": reply_to,
        "next_url": next_url,
        "scheduled_at": scheduled_at,
        "quoted_status_id": form_str(page, form, "quoted_status_id", max_len=20),
    }
    limit = page.roost.settings.max_post_chars
    poll_fields = _poll_fields(page, form)
    poll, error = poll_fields.checked(page)
    media, media_error = await compose_media(page, form)
    if media_error:
        error = media_error
    elif not text.strip() and not media.ids:
        error = page._("Write something first: the post is empty.")
    elif weighted_length(text) + weighted_length(spoiler) > limit:
        error = page._("The post is too long: at most %(limit)s characters.", limit=limit)
    elif len(spoiler) > MAX_SPOILER:
        error = page._("The content warning is too long.")
    elif visibility is not None and visibility not in VISIBILITIES:
        error = page._("Choose who can see the post.")
    when = None
    if not error and scheduled_at:
        when, error = _schedule_time(page, scheduled_at)
    if error:
        return await _compose_page(
            page, status=422, error=error, poll=poll_fields, media=media, **values
        )
    reply_id = parse_id(reply_to) if reply_to else None
    if reply_to and reply_id is None:
        raise NotFound()
    key = form_str(page, form, "idempotency_key", max_len=64) or None
    post = posting.NewStatus(
        text=text,
        spoiler_text=spoiler,
        visibility=visibility,
        in_reply_to_id=reply_id,
        idempotency_key=key,
        poll=poll,
        quoted_status_id=parse_id(values["quoted_status_id"] or None),
        media_ids=media.ids,
    )
    if when is not None:
        try:
            await do_schedule_status(page.roost.db, page.me_id, post, when, max_chars=limit)
        except Invalid:  # what is left to refuse: over the limits
            error = page._("You have too many scheduled posts: at most 25 a day and 300 in all.")
            return await _compose_page(
                page, status=422, error=error, poll=poll_fields, media=media, **values
            )
        return redirect("/scheduled")
    try:
        status_id = await posting.do_post_status(
            page.roost.db, page.me_id, post, base_url=page.base_url, max_chars=limit
        )
    except Invalid as exc:  # left to refuse here: a quote the post's author does not allow
        error = page._("This post cannot be quoted.") if post.quoted_status_id else str(exc)
        return await _compose_page(
            page, status=422, error=error, poll=poll_fields, media=media, **values
        )
    if next_url == "/":
        # The home feed is filled by a background job: name the post so the page shows it
        # even if the job has not run yet.
        return redirect(f"/?posted={status_id}")
    return redirect(next_url)


def _schedule_time(page: Page, value: str) -> tuple[datetime | None, str]:
    """The compose form's `datetime-local` value (UTC) as the time to publish at, or an
    error to show."""
    try:
        when = parse_scheduled_at(value)
        check_time(when, utcnow())
    except Invalid:
        return None, page._("Choose a time at least 5 minutes from now (UTC), or none to post now.")
    return when, ""


@form_view()
async def vote(page: Page) -> Response:
    """POST /polls/{id}/votes: vote in a poll (`choice` once, or several times when the
    poll allows several); back to the page the form was on."""
    poll_id = parse_id(str(page.request.path_params["id"]))
    if poll_id is None:
        raise NotFound()
    form = await read_form(page)
    next_url = safe_next(form_str(page, form, "next", max_len=2000))
    raw = form.getlist("choice")
    choices = [parse_id(c) if isinstance(c, str) else None for c in raw[: MAX_OPTIONS + 1]]
    if not choices:
        raise RoostError(page._("Choose an answer first."), status=422)
    if any(c is None for c in choices):
        raise RoostError(page._("That answer is not one of the poll's."), status=422)
    try:
        status_id = await do_vote(
            page.roost.db, page.me_id, poll_id, [c for c in choices if c is not None]
        )
    except Invalid as exc:
        raise RoostError(_vote_error(page, str(exc)), status=422) from exc
    return redirect(f"{next_url.split('#', 1)[0]}#s-{status_id}")


def _vote_error(page: Page, message: str) -> str:
    """The API's reason for refusing a vote, said for the web (and translated)."""
    reasons = {
        "already voted": page._("You have already voted in this poll."),
        "already ended": page._("This poll has ended."),
        "your own polls": page._("You cannot vote in your own poll."),
        "single choice": page._("This poll takes one answer only."),
    }
    for key, reason in reasons.items():
        if key in message:
            return reason
    return page._("That answer is not one of the poll's.")


Interaction = Callable[[Database, int, int], Awaitable[object]]

INTERACTIONS: dict[str, Interaction] = {
    "favourite": actions.do_favourite,
    "unfavourite": actions.do_unfavourite,
    "reblog": actions.do_reblog,
    "unreblog": actions.do_unreblog,
    "bookmark": lambda db, me, sid: actions.do_bookmark(db, me, sid, True),
    "unbookmark": lambda db, me, sid: actions.do_bookmark(db, me, sid, False),
    "mute": lambda db, me, sid: actions.do_mute_conversation(db, me, sid, True),
    "unmute": lambda db, me, sid: actions.do_mute_conversation(db, me, sid, False),
}


@form_view()
async def interact(page: Page) -> Response:
    """POST /statuses/{id}/{action}: like, repost or bookmark (and undo them)."""
    status_id = parse_id(str(page.request.path_params["id"]))
    action = INTERACTIONS.get(str(page.request.path_params["action"]))
    if status_id is None or action is None:
        raise NotFound()
    form = await read_form(page)
    await action(page.roost.db, page.me_id, status_id)
    if wants_fragment(page.request):
        status = await page.roost.statuses.one(page.me_id, status_id)
        target = status.reblog or status
        return render(
            page,
            "_actions.html",
            status=target,
            next_url=safe_next(form_str(page, form, "next", max_len=2000)),
        )
    return redirect(safe_next(form_str(page, form, "next", max_len=2000)) + f"#s-{status_id}")


@form_view()
async def delete_status(page: Page) -> Response:
    """POST /statuses/{id}/delete: delete one's own post."""
    status_id = parse_id(str(page.request.path_params["id"]))
    if status_id is None:
        raise NotFound()
    form = await read_form(page)
    row = await actions.do_delete_status(page.roost.db, page.me_id, status_id)
    if wants_fragment(page.request):
        return Response(status_code=204)
    next_url = safe_next(form_str(page, form, "next", max_len=2000))
    if next_url.rstrip("/").endswith(f"/{row.id}"):
        assert page.me is not None
        next_url = f"/@{page.me.username}"
    return redirect(next_url)
