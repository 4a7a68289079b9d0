"""Media fixtures: both stores (a local directory, and a real S3 server: moto's, started on
a free 127.0.0.1 port), and test files made here (Pillow, PyAV), never checked in."""

from __future__ import annotations

import io
import secrets
import socket
import wave
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image

from roost.instance import Roost
from roost.media.storage import MediaStorage
from roost.media.storage_local import LocalStorage
from roost.media.storage_s3 import S3Storage

REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 for this session."""
    try:
        from moto.server import ThreadedMotoServer

        port = _free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
    except Exception as exc:  # only when moto cannot start at all
        pytest.skip(f"moto's S3 server could not start: {exc}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def make_s3(endpoint: str) -> S3Storage:
    """A store on a new bucket of the moto server."""
    bucket = f"roost-test-{secrets.token_hex(4)}"
    store = S3Storage(
        bucket=bucket,
        endpoint=endpoint,
        region=REGION,
        access_key_id="test",
        secret_access_key="test",
        public_url=f"https://cdn.example/{bucket}",
    )
    store.client.create_bucket(Bucket=bucket)
    return store


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStorage:
    if request.param == "local":
        return LocalStorage(tmp_path / "media", "http://testserver/media")
    endpoint: str = request.getfixturevalue("s3_endpoint")
    return make_s3(endpoint)


@pytest.fixture
def media_roost(roost: Roost, storage: MediaStorage) -> Roost:
    """The test instance storing its media in `storage` (each backend in turn)."""
    roost.media_storage = storage
    return roost


async def stored_keys(storage: MediaStorage, prefix: str = "") -> list[str]:
    return [f.key async for f in storage.files(prefix)]


def key_of(storage: MediaStorage, url: str) -> str:
    """The storage key a URL of `storage` names."""
    prefix = storage.url("k")[:-1]
    assert url.startswith(prefix)
    return url[len(prefix) :]


def jpeg_with_exif(size: tuple[int, int] = (800, 600)) -> bytes:
    """A JPEG stored sideways (orientation 6: turn 90° clockwise), with a camera make and a
    GPS position in its EXIF."""
    image = Image.new("RGB", size, (200, 40, 40))
    for x in range(0, size[0], 40):
        image.paste((20, 20, 200), (x, 0, x + 20, size[1] // 2))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation
    exif[0x010F] = "SnoopCam"  # make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png(size: tuple[int, int] = (64, 48), mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 200, 10, 128) if mode == "RGBA" else (10, 200, 10)).save(out, "PNG")
    return out.getvalue()


def animated_gif(frames: int = 6, size: tuple[int, int] = (61, 41)) -> bytes:
    images = [Image.new("RGB", size, (i * 40 % 256, 80, 160)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=80, loop=0)
    return out.getvalue()


def mp4_video(*, seconds: float = 1.0, size: tuple[int, int] = (96, 64), fps: int = 24,
              audio: bool = True) -> bytes:  # fmt: skip
    """An H.264 (+ AAC) MP4 made with PyAV."""
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        sound: Any = None
        if audio:
            sound = container.add_stream("aac", rate=44100)
        frames = int(seconds * fps)
        for i in range(frames):
            picture = Image.new("RGB", size, (i * 9 % 256, 100, 50))
            frame = av.VideoFrame.from_image(picture)  # type: ignore[no-untyped-call]  # untyped in PyAV
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        if sound is not None:
            samples = int(seconds * 44100)
            chunk = 1024
            for start in range(0, samples, chunk):
                frame = av.AudioFrame(format="fltp", layout="mono", samples=chunk)
                frame.planes[0].update(bytes(chunk * 4))
                frame.sample_rate = 44100
                frame.pts = start
                for packet in sound.encode(frame):
                    container.mux(packet)
            for packet in sound.encode():
                container.mux(packet)
    return out.getvalue()


def wav_audio(seconds: float = 1.0) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x01" * int(8000 * seconds))
    return out.getvalue()
