"""Serving stored media at /media/<key> (the local directory; an S3 store serves its own
files), profile images for the settings page, the compose box's uploads, and the cap on
request bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roost.errors import Invalid, NotFound, RoostError
from roost.http.responses import json_response
from roost.media.actions import Upload, do_delete_media, do_update_media, do_upload
from roost.media.limits import DESCRIPTION_LIMIT, MAX_BODY, VIDEO_LIMIT
from roost.media.profile import (
    MAX_UPLOAD,
    PreparedImage,
    StoredImage,
    prepare_profile_image,
    remove_profile_image,
    store_profile_image,
    with_images,
)
from roost.media.render import render_attachment
from roost.media.storage_local import LocalStorage
from roost.web.csrf import check_csrf
from roost.web.render import Page, load_page, parse_id

__all__ = [
    "MAX_UPLOAD",
    "BodyLimit",
    "ComposeMedia",
    "PreparedImage",
    "StoredImage",
    "compose_media",
    "delete_upload",
    "media_file",
    "prepare_profile_image",
    "remove_profile_image",
    "store_profile_image",
    "upload_media",
    "with_images",
]


async def media_file(request: Request) -> Response:
    """GET /media/{path}: a stored file, cacheable forever (its key is never reused)."""
    storage = request.app.state.roost.media_storage
    if not isinstance(storage, LocalStorage):
        raise NotFound()
    found = await storage.file_for(str(request.path_params["path"]))
    if found is None:
        raise NotFound()
    path, content_type = found
    return FileResponse(
        path,
        media_type=content_type,
        headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


_BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})


class BodyLimit:
    """413 for a request body larger than the largest upload (Mastodon's proxy answers so
    too): refused from its Content-Length before a byte is read, or, without one, once
    that much has arrived."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _BODILESS:
            await self.app(scope, receive, send)  # the hot path: no body to count
            return
        length = next((v for k, v in scope["headers"] if k == b"content-length"), b"")
        if length.isdigit():
            # The server reads no more than Content-Length says: nothing left to count.
            if int(length) > self.limit:
                await _too_large(send)
            else:
                await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise TooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except TooLarge:
            if not started:
                await _too_large(send)


class TooLarge(BaseException):
    """A request body went past BodyLimit's limit while it was read (a BaseException,
    so that the form parser's `except Exception` does not turn it into a 400)."""


async def _too_large(send: Send) -> None:
    body = json.dumps({"error": "The request body is too large"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# --- The compose box's uploads (compose-media.js) ----------------------------------------

MAX_COMPOSE_MEDIA = 4


def _json_error(message: str, status: int) -> Response:
    return json_response({"error": message}, status_code=status)


async def _signed_in_form(request: Request) -> tuple[Page, FormData] | Response:
    """The signed-in page and its CSRF-checked form (the file spooled to disk), or the
    JSON error to answer."""
    page = await load_page(request, need_me=False)
    if page.viewer is None or page.viewer.account_id is None:
        return _json_error(page._("Please sign in first."), 401)
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception:  # malformed bodies raise several types
        return _json_error(page._("The form could not be read."), 400)
    try:
        check_csrf(request, {k: v for k, v in form.multi_items() if isinstance(v, str)})
    except RoostError:
        await form.close()
        return _json_error(page._("The form has expired. Reload the page and try again."), 403)
    return page, form


async def upload_media(request: Request) -> Response:
    """POST /uploads: one file from the compose box (session and CSRF token, as forms);
    processed at once. Answers {id, type, preview_url} as JSON, or {error}."""
    checked = await _signed_in_form(request)
    if isinstance(checked, Response):
        return checked
    page, form = checked
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            return _json_error(page._("Choose a file to attach."), 422)
        data = await file.read(VIDEO_LIMIT + 1)
        upload = Upload(data=data, content_type=file.content_type or "")
        storage = page.roost.media_storage
        row = await do_upload(page.roost.db, storage, page.me_id, upload, wait=True)
    except RoostError as exc:
        return _json_error(exc.message.removeprefix("Validation failed: "), exc.status)
    finally:
        await form.close()
    entity = render_attachment(row, storage)
    return json_response(
        {"id": entity.id, "type": entity.type, "preview_url": entity.preview_url or entity.url}
    )


async def delete_upload(request: Request) -> Response:
    """POST /uploads/{id}/delete: the compose box's "remove", before posting."""
    checked = await _signed_in_form(request)
    if isinstance(checked, Response):
        return checked
    page, form = checked
    await form.close()
    media_id = parse_id(str(request.path_params["id"]))
    if media_id is None:
        return _json_error(page._("This page does not exist, or you may not see it."), 404)
    try:
        await do_delete_media(page.roost.db, page.roost.media_storage, page.me_id, media_id)
    except RoostError as exc:
        return _json_error(exc.message.removeprefix("Validation failed: "), exc.status)
    return json_response({"id": str(media_id)})


@dataclass(frozen=True)
class ComposeMedia:
    """The uploads a compose form names (`media_ids`, each with `media_description_<id>`),
    in order, as the form shows them again after an error."""

    ids: tuple[int, ...]
    shown: list[dict[str, str]]


async def compose_media(page: Page, form: FormData) -> tuple[ComposeMedia, str]:
    """Read the compose form's uploads and save their alt text; returns them, and an error
    to show ("" when none) for a value that is no id of one's own unposted upload, or too
    many of them."""
    raw = [v for v in form.getlist("media_ids") if isinstance(v, str) and v]
    none = ComposeMedia((), [])
    if len(raw) > MAX_COMPOSE_MEDIA:
        return none, page._("At most 4 images, or one video, to a post.")
    lost = page._("An attachment could not be found: attach it again.")
    ids: list[int] = []
    shown: list[dict[str, str]] = []
    storage = page.roost.media_storage
    for value in raw:
        media_id = parse_id(value)
        if media_id is None or media_id in ids:
            return none, lost
        description = form.get(f"media_description_{media_id}")
        text = description.strip() if isinstance(description, str) else None
        if text is not None and len(text) > DESCRIPTION_LIMIT:
            return none, page._("Alt text is at most 1,500 characters.")
        try:
            row = await do_update_media(
                page.roost.db, storage, page.me_id, media_id, description=text
            )
        except (NotFound, Invalid):
            return none, lost
        entity = render_attachment(row, storage)
        ids.append(media_id)
        shown.append({"id": entity.id, "preview_url": entity.preview_url or entity.url or "",
                      "description": entity.description or ""})  # fmt: skip
    return ComposeMedia(tuple(ids), shown), ""
