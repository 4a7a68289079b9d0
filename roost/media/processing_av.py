"""Video, audio and animated GIFs, with PyAV (FFmpeg in the `av` wheel): metadata read,
a preview frame taken, the file remuxed without its container's metadata (a phone's
video carries where it was shot), and animated GIFs encoded as H.264 MP4 ("gifv").
Pure functions, run in a thread by their callers."""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

import av
from PIL import Image, ImageSequence

from roost.errors import Invalid
from roost.media.limits import VIDEO_FRAME_RATE_LIMIT, VIDEO_LIMIT, VIDEO_MATRIX_LIMIT
from roost.media.outputs import UNREADABLE, Output, Processed, still_preview

MAX_FRAMES = 36_000  # Mastodon's MAX_VIDEO_FRAMES: about 5 minutes at 120 fps
# FFmpeg's demuxer names we accept, and what a remuxed file is written as.
FAMILIES = {
    "mov": ("mp4", ".mp4", "video/mp4", ".m4a", "audio/mp4"),
    "mp4": ("mp4", ".mp4", "video/mp4", ".m4a", "audio/mp4"),
    "matroska": ("webm", ".webm", "video/webm", ".webm", "audio/webm"),
    "webm": ("webm", ".webm", "video/webm", ".webm", "audio/webm"),
    "ogg": ("ogg", ".ogg", "video/ogg", ".ogg", "audio/ogg"),
    "mp3": ("mp3", ".mp3", "audio/mpeg", ".mp3", "audio/mpeg"),
    "wav": ("wav", ".wav", "audio/wav", ".wav", "audio/wav"),
    "flac": ("flac", ".flac", "audio/flac", ".flac", "audio/flac"),
}


def _family(container: Any) -> tuple[str, str, str, str, str]:
    for name in str(container.format.name).split(","):
        if name in FAMILIES:
            return FAMILIES[name]
    raise Invalid(UNREADABLE)


def _open(data: bytes) -> Any:
    try:
        return av.open(io.BytesIO(data), mode="r")
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise Invalid(UNREADABLE) from exc


def _streams(container: Any) -> tuple[Any, Any]:
    """The first video stream (not a cover picture) and the first audio stream."""
    video = next(
        (s for s in container.streams.video
         if not s.disposition & av.stream.Disposition.attached_pic),
        None,
    )  # fmt: skip
    audio = next(iter(container.streams.audio), None)
    return video, audio


def probe_type(data: bytes) -> str:
    """video or audio (or `unknown` when PyAV cannot read it: processing then says why)."""
    try:
        with _open(data) as container:
            _family(container)
            video, audio = _streams(container)
    except Invalid:
        return "unknown"
    if video is not None:
        return "video" if audio is not None else "gifv"
    return "audio" if audio is not None else "unknown"


def _length(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{int(seconds % 1 * 100):02d}"


def _remux(data: bytes, fmt: str) -> bytes:
    """The same streams in a new `fmt` container, without the input's metadata."""
    out = io.BytesIO()
    with _open(data) as source, av.open(out, mode="w", format=fmt) as target:
        video, audio = _streams(source)
        kept = [s for s in (video, audio) if s is not None]
        mapping = {s.index: target.add_stream_from_template(s) for s in kept}
        for packet in source.demux(kept):
            if packet.dts is None:
                continue
            packet.stream = mapping[packet.stream.index]
            target.mux(packet)
    return out.getvalue()


def process_av(data: bytes) -> Processed:
    """A video or audio upload (Invalid when Roost cannot use it)."""
    if len(data) > VIDEO_LIMIT:
        raise Invalid(f"File file size must be less than {VIDEO_LIMIT // 1024 // 1024} MB")
    try:
        return _process_av(data)
    except Invalid:
        raise
    except (av.FFmpegError, ValueError, OSError, KeyError, ZeroDivisionError) as exc:
        raise Invalid(UNREADABLE) from exc


def _process_av(data: bytes) -> Processed:
    with _open(data) as container:
        fmt, video_ext, video_type, audio_ext, audio_type = _family(container)
        video, audio = _streams(container)
        duration = float(container.duration or 0) / av.time_base
        bitrate = int(container.bit_rate or 0)
        meta: dict[str, Any] = {"length": _length(duration), "duration": round(duration, 2)}
        if audio is not None:
            meta["audio_encode"] = str(audio.codec_context.name)
            meta["audio_bitrate"] = f"{int(audio.codec_context.bit_rate or 0) // 1000} kb/s"
            channels = int(audio.codec_context.channels or 0)
            meta["audio_channels"] = {1: "mono", 2: "stereo"}.get(channels, f"{channels} channels")
        if video is None:
            if audio is None:
                raise Invalid(UNREADABLE)
            meta["original"] = {"duration": round(duration, 2), "bitrate": bitrate}
            remuxed = _remux(data, fmt)
            return Processed("audio", [Output("original", remuxed, audio_ext, audio_type)], meta)
        width, height = int(video.codec_context.width), int(video.codec_context.height)
        if not width or not height:
            raise Invalid(UNREADABLE)
        if width * height > VIDEO_MATRIX_LIMIT:
            raise Invalid(f"Videos may have at most {VIDEO_MATRIX_LIMIT} pixels")
        rate = video.average_rate or video.guessed_rate or Fraction(0)
        if rate > VIDEO_FRAME_RATE_LIMIT:
            raise Invalid(f"Videos may have at most {VIDEO_FRAME_RATE_LIMIT} frames a second")
        if video.frames and video.frames > MAX_FRAMES:
            raise Invalid(f"Videos may have at most {MAX_FRAMES} frames")
        frame = next(container.decode(video), None)
        if frame is None:
            raise Invalid(UNREADABLE)
        preview, small, hash_ = still_preview(frame.to_image())
    fps = round(float(rate)) if rate else 0
    meta.update(fps=fps, size=f"{width}x{height}", width=width, height=height)
    meta["aspect"] = round(width / height, 6)
    meta["original"] = {
        "width": width, "height": height, "frame_rate": f"{rate.numerator}/{rate.denominator}",
        "duration": round(duration, 2), "bitrate": bitrate,
    }  # fmt: skip
    meta["small"] = small
    remuxed = _remux(data, fmt)
    # Mastodon shows a video without sound as a looping "gifv" (Paperclip::Transcoder).
    return Processed(
        "video" if audio is not None else "gifv",
        [Output("original", remuxed, video_ext, video_type), preview],
        meta,
        hash_,
    )


def gif_to_mp4(image: Image.Image) -> Processed:
    """An animated GIF (or PNG, WebP) as a silent H.264 MP4 looping like a GIF ("gifv")."""
    width, height = image.size
    if width * height > VIDEO_MATRIX_LIMIT:
        raise Invalid(f"Animated images may have at most {VIDEO_MATRIX_LIMIT} pixels")
    if getattr(image, "n_frames", 1) > MAX_FRAMES:
        raise Invalid(f"Animated images may have at most {MAX_FRAMES} frames")
    even = (max(2, width - width % 2), max(2, height - height % 2))
    out = io.BytesIO()
    first: Image.Image | None = None
    elapsed = 0  # milliseconds
    frames = 0
    with av.open(out, mode="w", format="mp4") as target:
        stream = target.add_stream("libx264", rate=1000)
        stream.width, stream.height = even
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, 1000)
        stream.options = {"crf": "23", "preset": "veryfast", "movflags": "+faststart"}
        for raw in ImageSequence.Iterator(image):
            picture = raw.convert("RGB")
            if first is None:
                first = picture.copy()
            if picture.size != even:
                picture = picture.crop((0, 0, *even))
            # PyAV leaves from_image unannotated.
            video_frame = av.VideoFrame.from_image(picture)  # type: ignore[no-untyped-call]
            video_frame.pts = elapsed
            video_frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(video_frame):
                target.mux(packet)
            # Browsers show a GIF frame of 0 or 10 ms for 100 ms.
            delay = int(raw.info.get("duration", 100) or 100)
            elapsed += delay if delay > 10 else 100
            frames += 1
        for packet in stream.encode():
            target.mux(packet)
    if first is None:
        raise Invalid(UNREADABLE)
    preview, small, hash_ = still_preview(first)
    duration = elapsed / 1000
    fps = round(frames / duration) if duration else 0
    original = {
        "width": even[0], "height": even[1], "frame_rate": f"{fps}/1",
        "duration": round(duration, 2), "bitrate": int(len(out.getvalue()) * 8 / duration)
        if duration else 0,
    }  # fmt: skip
    meta: dict[str, Any] = {"length": _length(duration), "duration": round(duration, 2)}
    meta.update(fps=fps, size=f"{even[0]}x{even[1]}", width=even[0], height=even[1])
    meta.update(aspect=round(even[0] / even[1], 6), original=original, small=small)
    return Processed(
        "gifv", [Output("original", out.getvalue(), ".mp4", "video/mp4"), preview], meta, hash_
    )
