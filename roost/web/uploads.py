"""Profile images: uploaded avatars and headers, resized and stored under the data
directory, served at /media/...

Until the media issue brings a storage Protocol (local directory or S3), this is the local
directory: `<data_dir>/media/accounts/<kind>s/<account id>-<random>.<ext>`. Names are random
and never reused, so a file can be cached forever.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from PIL import Image, ImageOps, UnidentifiedImageError, features
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from roost.errors import Invalid, NotFound

MAX_UPLOAD = 8 * 1024 * 1024  # bytes
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
SIZES = {"avatar": (400, 400), "header": (1500, 500)}
MEDIA_TYPES = {".webp": "image/webp", ".png": "image/png", ".jpg": "image/jpeg"}


@dataclass(frozen=True)
class StoredImage:
    path: Path  # on disk
    url_path: str  # /media/...


def media_root(data_dir: Path) -> Path:
    return data_dir / "media"


def _resize(data: bytes, kind: str) -> tuple[bytes, str]:
    """Crop to the kind's aspect ratio, shrink, and encode (WebP, else PNG)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise Invalid("The image is too large")
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise Invalid("The file is not an image Roost can read (PNG, JPEG, GIF or WebP)") from exc
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    size = SIZES[kind]
    image = ImageOps.fit(image, size, method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if features.check("webp"):
        image.save(out, "WEBP", quality=85, method=4)
        return out.getvalue(), ".webp"
    image.save(out, "PNG", optimize=True)
    return out.getvalue(), ".png"


@dataclass(frozen=True)
class PreparedImage:
    """An upload decoded, checked and re-encoded, not yet stored."""

    kind: str
    encoded: bytes
    ext: str


async def prepare_profile_image(kind: str, data: bytes) -> PreparedImage:
    """Check and resize an uploaded avatar or header (Invalid if it cannot be one), storing
    nothing: a form stores its images only once every part of it is valid."""
    if kind not in SIZES:
        raise Invalid("Image kind must be avatar or header")
    if not data:
        raise Invalid("The file is empty")
    if len(data) > MAX_UPLOAD:
        raise Invalid(f"The image is too big (maximum is {MAX_UPLOAD // 1024 // 1024} MB)")
    encoded, ext = await anyio.to_thread.run_sync(_resize, data, kind)
    return PreparedImage(kind, encoded, ext)


async def store_profile_image(data_dir: Path, account_id: int, image: PreparedImage) -> str:
    """Save a prepared avatar or header under a new name; returns its /media/... path."""
    relative = f"accounts/{image.kind}s/{account_id}-{secrets.token_hex(8)}{image.ext}"
    path = media_root(data_dir) / relative

    def write() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(image.encoded)
        tmp.replace(path)

    await anyio.to_thread.run_sync(write)
    return f"/media/{relative}"


async def remove_stored(data_dir: Path, url: str | None, base_url: str) -> None:
    """Delete a previously stored image, if `url` names one of ours."""
    prefix = f"{base_url}/media/"
    if not url or not url.startswith(prefix):
        return
    path = _resolve(data_dir, url[len(prefix) :])
    if path is not None:
        await anyio.to_thread.run_sync(lambda: path.unlink(missing_ok=True))


def _resolve(data_dir: Path, relative: str) -> Path | None:
    """The file a /media/ path names, or None when it escapes the media directory."""
    root = media_root(data_dir).resolve()
    if not relative or "\x00" in relative or "\\" in relative:
        return None
    path = (root / relative).resolve()
    if root not in path.parents or path.suffix not in MEDIA_TYPES:
        return None
    return path


async def media_file(request: Request) -> Response:
    """GET /media/{path}: a stored file."""
    settings = request.app.state.roost.settings
    path = _resolve(settings.data_dir, str(request.path_params["path"]))
    if path is None or not await anyio.to_thread.run_sync(path.is_file):
        raise NotFound()
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[path.suffix],
        headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
