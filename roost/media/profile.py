"""Avatars and headers: checked and re-encoded by the same code as media uploads (the
pixel guard before decoding, orientation applied, every piece of metadata dropped), kept
in the media storage under `accounts/<kind>s/<account id>-<random>.<ext>` (never reused,
so cacheable forever). As Mastodon: an avatar is cropped to 400x400, a header shrunk to
at most 750,000 pixels; an animated GIF stays animated, its first frame stored beside it
as a PNG (`avatar_static`, `header_static`); a still image is its own static one."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, replace

import anyio.to_thread
import sqlalchemy as sa
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError, features

from roost.accounts.actions import ProfileChanges, do_update_credentials
from roost.accounts.tables import accounts
from roost.db import Database
from roost.errors import Invalid
from roost.media.limits import IMAGE_MATRIX_LIMIT
from roost.media.outputs import TOO_MANY_PIXELS, UNREADABLE, fit_pixels
from roost.media.processing import IMAGE_FORMATS
from roost.media.storage import MediaStorage

MAX_UPLOAD = 8 * 1024 * 1024  # bytes (Mastodon's Account::Avatar and Account::Header)
AVATAR_SIZE = (400, 400)  # cropped to fill
HEADER_PIXELS = 750_000  # shrunk (never enlarged) to at most this many (1500x500)
MAX_FRAMES = 3_000  # of an animated GIF


@dataclass(frozen=True)
class PreparedImage:
    """An upload decoded, checked and re-encoded, not yet stored; `static` is the first
    frame of an animated one (a PNG)."""

    kind: str
    encoded: bytes
    ext: str
    content_type: str
    static: bytes | None = None


@dataclass(frozen=True)
class StoredImage:
    url: str
    static_url: str  # "" for a still image


def _shape(image: Image.Image, kind: str) -> Image.Image:
    if kind == "avatar":
        return ImageOps.fit(image, AVATAR_SIZE, method=Image.Resampling.LANCZOS)
    size = fit_pixels(*image.size, HEADER_PIXELS)
    return image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)


def _animated(probe: Image.Image, kind: str) -> PreparedImage:
    """An animated GIF kept animated (each frame shaped as a still would be), with its
    first frame as the static image."""
    if getattr(probe, "n_frames", 1) > MAX_FRAMES:
        raise Invalid(f"Animated images may have at most {MAX_FRAMES} frames")
    frames: list[Image.Image] = []
    durations: list[int] = []
    for frame in ImageSequence.Iterator(probe):
        frames.append(_shape(frame.convert("RGBA"), kind))
        durations.append(int(frame.info.get("duration", 100) or 100))
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=durations,
                   loop=probe.info.get("loop", 0), disposal=2, optimize=True)  # fmt: skip
    static = io.BytesIO()
    frames[0].save(static, "PNG", optimize=True)
    return PreparedImage(kind, out.getvalue(), ".gif", "image/gif", static.getvalue())


def _resize(data: bytes, kind: str) -> PreparedImage:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise Invalid(UNREADABLE)
            width, height = probe.size
            if width * height > IMAGE_MATRIX_LIMIT:
                raise Invalid(f"Images may have at most {IMAGE_MATRIX_LIMIT} pixels")
            if probe.format == "GIF" and getattr(probe, "n_frames", 1) > 1:
                return _animated(probe, kind)
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except Invalid:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise Invalid(UNREADABLE) from exc
    except TOO_MANY_PIXELS as exc:
        raise Invalid(f"Images may have at most {IMAGE_MATRIX_LIMIT} pixels") from exc
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    image = _shape(image, kind)
    out = io.BytesIO()
    if features.check("webp"):
        image.save(out, "WEBP", quality=85, method=4)
        return PreparedImage(kind, out.getvalue(), ".webp", "image/webp")
    image.save(out, "PNG", optimize=True)
    return PreparedImage(kind, out.getvalue(), ".png", "image/png")


async def prepare_profile_image(kind: str, data: bytes) -> PreparedImage:
    """Check and resize an uploaded avatar or header (Invalid if it cannot be one), storing
    nothing: a form stores its images only once every part of it is valid."""
    if kind not in ("avatar", "header"):
        raise Invalid("Image kind must be avatar or header")
    if not data:
        raise Invalid("The file is empty")
    if len(data) > MAX_UPLOAD:
        raise Invalid(f"The image is too big (maximum is {MAX_UPLOAD // 1024 // 1024} MB)")
    return await anyio.to_thread.run_sync(_resize, data, kind)


async def store_profile_image(
    storage: MediaStorage, account_id: int, image: PreparedImage
) -> StoredImage:
    """Save a prepared avatar or header (and its static frame) under new keys."""
    stem = f"accounts/{image.kind}s/{account_id}-{secrets.token_hex(8)}"
    await storage.put(stem + image.ext, image.encoded, image.content_type)
    if image.static is None:
        return StoredImage(storage.url(stem + image.ext), "")
    try:
        await storage.put(f"{stem}-static.png", image.static, "image/png")
    except BaseException:
        await storage.delete(stem + image.ext)
        raise
    return StoredImage(storage.url(stem + image.ext), storage.url(f"{stem}-static.png"))


async def remove_profile_image(storage: MediaStorage, *urls: str | None) -> None:
    """Delete stored avatars or headers (and static frames), those of `urls` that name
    files in `storage`."""
    probe = "accounts/x"
    prefix = storage.url(probe)[: -len(probe)]
    for url in urls:
        if not url or not url.startswith(prefix + "accounts/"):
            continue
        try:
            await storage.delete(url[len(prefix) :])
        except ValueError:  # not a key of ours
            continue


def with_images(changes: ProfileChanges, stored: dict[str, StoredImage]) -> ProfileChanges:
    """`changes` setting the avatar and header in `stored` (kind → the stored image; ""
    URLs remove it)."""
    if "avatar" in stored:
        new = stored["avatar"]
        changes = replace(changes, avatar=new.url, avatar_static=new.static_url)
    if "header" in stored:
        new = stored["header"]
        changes = replace(changes, header=new.url, header_static=new.static_url)
    return changes


async def do_update_profile(
    db: Database,
    storage: MediaStorage,
    account_id: int,
    changes: ProfileChanges,
    images: dict[str, PreparedImage | None],
    *,
    base_url: str,
    domain: str,
) -> None:
    """`do_update_credentials` with new avatar or header images (`images`: kind → the
    prepared image, or None to remove it). The new files are stored first and removed
    again if the change fails; the replaced ones are removed once it is saved."""
    a = accounts.c
    old = await db.fetch_one(
        sa.select(a.avatar, a.avatar_static, a.header, a.header_static).where(a.id == account_id)
    )
    stored: dict[str, StoredImage] = {}
    try:
        for kind, image in images.items():
            stored[kind] = StoredImage("", "")
            if image is not None:
                stored[kind] = await store_profile_image(storage, account_id, image)
        await do_update_credentials(
            db, account_id, with_images(changes, stored), base_url=base_url, domain=domain
        )
    except BaseException:
        for new in stored.values():  # the change was not saved: neither are its files
            await remove_profile_image(storage, new.url, new.static_url)
        raise
    if old is not None:
        for kind in stored:
            await remove_profile_image(storage, old._mapping[kind], old._mapping[f"{kind}_static"])
