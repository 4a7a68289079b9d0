"""/api/v1/media and /api/v2/media: upload a picture, video or audio file, describe it,
read it back while it is processed, and delete it before it is posted."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.responses import Response

from roost.api.http import Api, ApiRequest
from roost.errors import Invalid, RoostError
from roost.http.responses import json_response
from roost.media.actions import Upload, do_delete_media, do_update_media, do_upload
from roost.media.entities import MediaAttachment
from roost.media.limits import DESCRIPTION_LIMIT, VIDEO_LIMIT
from roost.media.queries import access_own_media
from roost.media.render import render_attachment

api = Api()
SCOPE = "write:media"
PROCESSING_ERROR = "Error processing thumbnail for uploaded media"  # Mastodon's words


async def read_upload(req: ApiRequest, name: str, *, required: bool) -> UploadFile | None:
    value = req.params.raw(name)
    if isinstance(value, UploadFile):
        return value
    if value is not None and value != "":
        raise Invalid(f"{name} must be a file")
    if required:
        raise Invalid("File can't be blank")
    return None


async def _bytes(upload: UploadFile | None) -> bytes | None:
    if upload is None:
        return None
    data = await upload.read(VIDEO_LIMIT + 1)
    await upload.close()
    return data


async def _upload(req: ApiRequest, *, wait: bool) -> Response:
    p = req.params
    file = await read_upload(req, "file", required=True)
    assert file is not None
    upload = Upload(
        data=await _bytes(file) or b"",
        content_type=file.content_type or "",
        description=p.str("description", max_len=DESCRIPTION_LIMIT * 4),
        focus=p.str("focus", max_len=100),
        thumbnail=await _bytes(await read_upload(req, "thumbnail", required=False)),
    )
    roost = req.roost
    row = await do_upload(roost.db, roost.media_storage, req.me_id, upload, wait=wait)
    entity = render_attachment(row, roost.media_storage)
    return json_response(entity, status_code=200 if row.state == "ready" else 202)


@api.route("/api/v2/media", "POST", scope=SCOPE, user=True, response=MediaAttachment)
async def upload_v2(req: ApiRequest) -> Response:
    """Upload a file (`file`, with `description`, `focus` "x,y" and a `thumbnail`): images
    are processed at once (200), video, audio and gifv in the background (202, `url`
    null until GET /api/v1/media/:id answers 200)."""
    return await _upload(req, wait=False)


@api.route("/api/v1/media", "POST", scope=SCOPE, user=True, response=MediaAttachment)
async def upload_v1(req: ApiRequest) -> Response:
    """Upload a file and wait until it is processed (deprecated by Mastodon for v2)."""
    return await _upload(req, wait=True)


def _answer(req: ApiRequest, row: object) -> Response:
    state = getattr(row, "state", "")
    if state == "failed":
        raise RoostError(PROCESSING_ERROR, status=422)
    entity = render_attachment(row, req.roost.media_storage)
    return json_response(entity, status_code=206 if state == "processing" else 200)


@api.route("/api/v1/media/{id}", scope=SCOPE, user=True, response=MediaAttachment)
async def show(req: ApiRequest) -> Response:
    """One of the viewer's unattached uploads: 206 while it is processed, then 200."""
    row = await access_own_media(req.roost.db, req.me_id, req.path_id())
    return _answer(req, row)


@api.route("/api/v1/media/{id}", "PUT", scope=SCOPE, user=True, response=MediaAttachment)
async def update(req: ApiRequest) -> Response:
    """Change an unattached upload's `description`, `focus` or `thumbnail`."""
    p = req.params
    roost = req.roost
    media_id = req.path_id()
    current = await access_own_media(roost.db, req.me_id, media_id)
    if current.state == "failed":
        raise RoostError(PROCESSING_ERROR, status=422)
    row = await do_update_media(
        roost.db,
        roost.media_storage,
        req.me_id,
        media_id,
        description=p.str("description", max_len=DESCRIPTION_LIMIT * 4),
        focus=p.str("focus", max_len=100),
        thumbnail_data=await _bytes(await read_upload(req, "thumbnail", required=False)),
    )
    return _answer(req, row)


@api.route("/api/v1/media/{id}", "DELETE", scope=SCOPE, user=True, response=MediaAttachment)
async def delete(req: ApiRequest) -> Response:
    """Delete an upload not posted yet (422 once it is attached to a status)."""
    roost = req.roost
    row = await do_delete_media(roost.db, roost.media_storage, req.me_id, req.path_id())
    return json_response(render_attachment(row, roost.media_storage))
