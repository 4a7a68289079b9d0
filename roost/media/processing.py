"""Turning an upload into the files Roost serves: pure functions, run in a thread
(`anyio.to_thread`) by their callers, so the event loop never decodes a picture.

The type is read from the bytes, never from the file name or the Content-Type the client
sent: an HTML or SVG file named .png is refused. Images are decoded with Pillow once their
header shows they are no larger than IMAGE_MATRIX_LIMIT pixels, turned upright (EXIF
orientation) and re-encoded without any metadata; video, audio and animated GIFs go to
roost.media.processing_av (PyAV).
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from roost.errors import Invalid
from roost.media.limits import IMAGE_LIMIT, IMAGE_MATRIX_LIMIT, ORIGINAL_PIXELS, SMALL_PIXELS
from roost.media.outputs import (
    EXTENSIONS,
    TOO_MANY_PIXELS,
    UNREADABLE,
    Output,
    Processed,
    compute_blurhash,
    encode,
    fit_pixels,
    size_meta,
    still_preview,
)
from roost.media.processing_av import gif_to_mp4, probe_type, process_av

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


def sniff(data: bytes) -> str:
    """`image` when the bytes are a picture Roost reads, else `av` (to be tried as video
    or audio); nothing here decodes more than a header."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format in IMAGE_FORMATS:
                return "image"
    except TOO_MANY_PIXELS:
        return "image"  # refused by process_image, with the reason
    except (UnidentifiedImageError, OSError, ValueError):
        pass
    return "av"


def still(image: Image.Image, *, fmt: str) -> tuple[list[Output], dict[str, Any], str]:
    """A decoded picture as an `original` bounded to ORIGINAL_PIXELS and a `small`
    preview, with their meta and blurhash."""
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        has_alpha = image.mode in ("P", "PA") and "transparency" in image.info
        image = image.convert("RGBA" if has_alpha or image.mode == "PA" else "RGB")
    if fmt == "JPEG":
        image = image.convert("RGB")
    original = image.resize(fit_pixels(*image.size, ORIGINAL_PIXELS), Image.Resampling.LANCZOS)
    small = original.resize(fit_pixels(*original.size, SMALL_PIXELS), Image.Resampling.LANCZOS)
    ext, ctype = EXTENSIONS[fmt]
    files = [Output("original", encode(original, fmt), ext, ctype),
             Output("small", encode(small, fmt), ext, ctype)]  # fmt: skip
    meta = {"original": size_meta(*original.size), "small": size_meta(*small.size)}
    return files, meta, compute_blurhash(small)


def process_image(data: bytes) -> Processed:
    """An image upload (Invalid when it is not one Roost can use). An animated GIF, PNG or
    WebP becomes a silent MP4 ("gifv"), as Mastodon does."""
    if len(data) > IMAGE_LIMIT:
        raise Invalid(f"File file size must be less than {IMAGE_LIMIT // 1024 // 1024} MB")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = str(probe.format)
            if fmt not in IMAGE_FORMATS:
                raise Invalid(UNREADABLE)
            width, height = probe.size
            if width * height > IMAGE_MATRIX_LIMIT:
                raise Invalid(f"Images may have at most {IMAGE_MATRIX_LIMIT} pixels")
            if getattr(probe, "n_frames", 1) > 1:
                return gif_to_mp4(probe)
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except Invalid:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise Invalid(UNREADABLE) from exc
    except TOO_MANY_PIXELS as exc:
        raise Invalid(f"Images may have at most {IMAGE_MATRIX_LIMIT} pixels") from exc
    # JPEG stays JPEG, PNG stays PNG, WebP stays WebP; a still GIF becomes a PNG.
    out_fmt = "PNG" if fmt == "GIF" else fmt
    files, meta, hash_ = still(image, fmt=out_fmt)
    return Processed("image", files, meta, hash_)


def process(data: bytes) -> Processed:
    """Any upload: an image, or video or audio (Invalid when Roost cannot use it)."""
    if not data:
        raise Invalid("The file is empty")
    if sniff(data) == "image":
        return process_image(data)
    return process_av(data)


def media_type(data: bytes) -> str:
    """What an upload will be (image, gifv, video or audio) from a quick look at its
    header, to answer 200 (images, processed at once) or 202 (the rest, in a job)."""
    if sniff(data) == "image":
        try:
            with Image.open(io.BytesIO(data)) as probe:
                return "gifv" if getattr(probe, "n_frames", 1) > 1 else "image"
        except Exception:  # a broken image: process() says why
            return "image"
    return probe_type(data)


def thumbnail(data: bytes) -> tuple[Output, dict[str, Any], str]:
    """A custom preview (`thumbnail` of a video or audio upload)."""
    if len(data) > IMAGE_LIMIT:
        raise Invalid(f"Thumbnail file size must be less than {IMAGE_LIMIT // 1024 // 1024} MB")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise Invalid(UNREADABLE)
            if probe.size[0] * probe.size[1] > IMAGE_MATRIX_LIMIT:
                raise Invalid(f"Images may have at most {IMAGE_MATRIX_LIMIT} pixels")
            probe.load()
            return still_preview(ImageOps.exif_transpose(probe))
    except Invalid:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise Invalid(UNREADABLE) from exc
    except TOO_MANY_PIXELS as exc:
        raise Invalid(f"Images may have at most {IMAGE_MATRIX_LIMIT} pixels") from exc
