"""What processing makes of an upload (files to store, meta, blurhash), and the helpers
the image and the video paths share."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from typing import Any

from blurhash._functions import ffi, lib  # type: ignore[import-untyped]  # no types
from PIL import Image

from roost.media.limits import SMALL_PIXELS

UNREADABLE = "File type of uploaded media could not be verified"  # Mastodon's words
# Pillow warns when opening a picture over Image.MAX_IMAGE_PIXELS (and raises over twice
# that): Roost's own guard (IMAGE_MATRIX_LIMIT) is lower, so these only ever come with a
# picture about to be refused; where warnings are errors (tests) the warning is raised.
TOO_MANY_PIXELS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


@dataclass(frozen=True)
class Output:
    """One file to store: `original` (what `url` serves) or `small` (the preview)."""

    role: str
    data: bytes
    ext: str
    content_type: str


@dataclass
class Processed:
    """What processing made of an upload."""

    type: str  # image, gifv, video, audio
    files: list[Output]
    meta: dict[str, Any] = field(default_factory=dict)
    blurhash: str | None = None


def size_meta(width: int, height: int) -> dict[str, Any]:
    """Mastodon's {width, height, size "WxH", aspect}."""
    return {
        "width": width,
        "height": height,
        "size": f"{width}x{height}",
        "aspect": round(width / height, 6) if height else 0,
    }


def fit_pixels(width: int, height: int, pixels: int) -> tuple[int, int]:
    """The size of a `width`x`height` picture scaled down (never up) to at most `pixels`."""
    if width * height <= pixels:
        return width, height
    scale = math.sqrt(pixels / (width * height))
    return max(1, int(width * scale)), max(1, int(height * scale))


def encode(image: Image.Image, fmt: str) -> bytes:
    """`image` in `fmt` (JPEG, PNG or WEBP) with no metadata at all."""
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=90, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=90, method=4)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


EXTENSIONS = {"JPEG": (".jpg", "image/jpeg"), "PNG": (".png", "image/png"),
              "WEBP": (".webp", "image/webp")}  # fmt: skip


def compute_blurhash(image: Image.Image) -> str:
    """Mastodon's blurhash (4x4 components) of a picture, computed on a 64px copy by
    blurhash-python's C function (its `encode` reads pixels through a Pillow call that
    Pillow deprecates; the bytes are passed straight instead)."""
    thumb = image.convert("RGB")
    thumb.thumbnail((64, 64))
    width, height = thumb.size
    pixels = ffi.from_buffer("uint8_t[]", thumb.tobytes())
    out = ffi.new("char[]", 2 + 4 + (9 * 9 - 1) * 2 + 1)
    result = lib.create_hash_from_pixels(4, 4, width, height, pixels, width * 3, out)
    if result == ffi.NULL:
        raise ValueError("blurhash could not be computed")
    return str(ffi.string(result).decode())


def still_preview(image: Image.Image) -> tuple[Output, dict[str, Any], str]:
    """A video's or a gifv's preview frame: a JPEG no larger than `small`."""
    image = image.convert("RGB")
    small = image.resize(fit_pixels(*image.size, SMALL_PIXELS), Image.Resampling.LANCZOS)
    return (
        Output("small", encode(small, "JPEG"), ".jpg", "image/jpeg"),
        size_meta(*small.size),
        compute_blurhash(small),
    )
