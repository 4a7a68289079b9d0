"""/api/v1/profile/avatar and /api/v1/profile/header: remove one's avatar or header; and
the avatar and header uploads of PATCH /api/v1/accounts/update_credentials."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.responses import Response

from roost.accounts.actions import PROFILE_IMAGES, ProfileChanges
from roost.accounts.entities import CredentialAccount
from roost.api.http import Api, ApiRequest
from roost.errors import Invalid
from roost.http.responses import json_response
from roost.media.profile import MAX_UPLOAD, PreparedImage, do_update_profile, prepare_profile_image

api = Api()


async def profile_images(req: ApiRequest) -> dict[str, PreparedImage | None]:
    """The `avatar` and `header` files of a request, checked and resized (nothing stored)."""
    images: dict[str, PreparedImage | None] = {}
    for kind in PROFILE_IMAGES:
        value = req.params.raw(kind)
        if value is None or value == "":
            continue
        if not isinstance(value, UploadFile):
            raise Invalid(f"{kind.capitalize()} must be a file")
        data = await value.read(MAX_UPLOAD + 1)
        await value.close()
        images[kind] = await prepare_profile_image(kind, data)
    return images


async def save_profile(req: ApiRequest, changes: ProfileChanges) -> Response:
    """Apply `changes` with the request's avatar and header; answer the CredentialAccount."""
    await _save(req, changes, await profile_images(req))
    return json_response(await req.roost.accounts.credential(req.me_id))


async def _save(
    req: ApiRequest, changes: ProfileChanges, images: dict[str, PreparedImage | None]
) -> None:
    roost = req.roost
    settings = roost.settings
    await do_update_profile(
        roost.db,
        roost.media_storage,
        req.me_id,
        changes,
        images,
        base_url=settings.base_url,
        domain=settings.domain,
    )


async def _remove(req: ApiRequest, kind: str) -> Response:
    await _save(req, ProfileChanges(), {kind: None})
    return json_response(await req.roost.accounts.credential(req.me_id))


@api.route(
    "/api/v1/profile/avatar",
    "DELETE",
    scope="write:accounts",
    user=True,
    response=CredentialAccount,
)
async def delete_avatar(req: ApiRequest) -> Response:
    """Remove the viewer's avatar (the default one shows again)."""
    return await _remove(req, "avatar")


@api.route(
    "/api/v1/profile/header",
    "DELETE",
    scope="write:accounts",
    user=True,
    response=CredentialAccount,
)
async def delete_header(req: ApiRequest) -> Response:
    """Remove the viewer's header."""
    return await _remove(req, "header")
