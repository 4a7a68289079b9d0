"""Mastodon's media limits (app/models/media_attachment.rb, 4.5), advertised as they are
in /api/v1/instance and /api/v2/instance."""

from __future__ import annotations

IMAGE_LIMIT = 16 * 1024 * 1024  # bytes
VIDEO_LIMIT = 99 * 1024 * 1024  # bytes (video, gifv, audio)
IMAGE_MATRIX_LIMIT = 33_177_600  # pixels (7680x4320), refused before decoding
VIDEO_MATRIX_LIMIT = 8_294_400  # pixels (3840x2160)
VIDEO_FRAME_RATE_LIMIT = 120
DESCRIPTION_LIMIT = 1_500
ORIGINAL_PIXELS = 8_294_400  # a larger image is scaled down to this (3840x2160)
SMALL_PIXELS = 230_400  # the preview (640x360)
# A request body larger than this is refused with 413 before it is read.
MAX_BODY = VIDEO_LIMIT + 1024 * 1024

IMAGE_MIME_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
VIDEO_MIME_TYPES = ("video/webm", "video/mp4", "video/quicktime", "video/ogg")
AUDIO_MIME_TYPES = (
    "audio/wave",
    "audio/wav",
    "audio/x-wav",
    "audio/ogg",
    "audio/vorbis",
    "audio/mpeg",
    "audio/mp3",
    "audio/webm",
    "audio/flac",
    "audio/aac",
    "audio/m4a",
    "audio/x-m4a",
    "audio/mp4",
)
SUPPORTED_MIME_TYPES = (*IMAGE_MIME_TYPES, *VIDEO_MIME_TYPES, *AUDIO_MIME_TYPES)
