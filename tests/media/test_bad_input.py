"""Bad input stores nothing: no file in the store, no row; a 422 (413 for a body past the
limit) with {"error": ...}."""

from __future__ import annotations

import io
import zlib

import httpx
import pytest
import sqlalchemy as sa
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from roost.instance import Roost
from roost.media.tables import media_attachments
from roost.web.uploads import BodyLimit
from tests.conftest import User
from tests.media.conftest import jpeg_with_exif, stored_keys


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width`x`height` and holds one compressed row: what a
    decompression bomb looks like before it is decoded."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = zlib.compress(b"\x00" + b"\x00" * (width * 3))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b"")


def _corrupt_jpeg() -> bytes:
    data = bytearray(jpeg_with_exif())
    half = len(data) // 2
    data[half:] = b"\x00" * (len(data) - half)
    return bytes(data[: half + 100])


def _big_jpeg(size: int) -> bytes:
    """A valid JPEG padded (in a comment-free trailer) past `size` bytes."""
    out = io.BytesIO()
    Image.new("RGB", (32, 32)).save(out, "JPEG")
    return out.getvalue() + b"\x00" * (size - out.tell() + 1)


BAD_FILES = {
    "html named png": ("cat.png", b"<!doctype html><html><script>alert(1)</script></html>",
                       "image/png"),
    "svg": ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
            "image/svg+xml"),
    "svg named png": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
                      "image/png"),
    "corrupt jpeg": ("broken.jpg", _corrupt_jpeg(), "image/jpeg"),
    "decompression bomb": ("bomb.png", _png_header_only(10_000, 10_000), "image/png"),
    "text file": ("notes.txt", b"hello there\n" * 100, "text/plain"),
    "zip archive": ("a.zip", b"PK\x03\x04" + b"\x00" * 200, "application/zip"),
    "empty": ("empty.png", b"", "image/png"),
    "oversized image": ("huge.jpg", _big_jpeg(16 * 1024 * 1024), "image/jpeg"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_FILES))
@pytest.mark.parametrize("version", ["v1", "v2"])
async def test_bad_files_store_nothing(
    client: httpx.AsyncClient, media_roost: Roost, alice: User, case: str, version: str
) -> None:
    response = await client.post(
        f"/api/{version}/media", headers=alice.auth, files={"file": BAD_FILES[case]}
    )
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["error"], str)
    assert await stored_keys(media_roost.media_storage) == []
    assert await media_roost.db.fetch_all(sa.select(media_attachments)) == []


async def test_a_bad_thumbnail_stores_nothing_either(
    client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    response = await client.post(
        "/api/v2/media",
        headers=alice.auth,
        files={"file": ("p.jpg", jpeg_with_exif(), "image/jpeg"),
               "thumbnail": ("t.png", b"<svg/>", "image/png")},
    )  # fmt: skip
    assert response.status_code == 422
    assert await stored_keys(media_roost.media_storage) == []


async def test_missing_file_is_422(client: httpx.AsyncClient, media_roost: Roost,
                                   alice: User) -> None:  # fmt: skip
    response = await client.post("/api/v2/media", headers=alice.auth, data={"description": "x"})
    assert response.status_code == 422
    assert "error" in response.json()


async def test_a_body_over_the_limit_is_413_before_it_is_read(
    client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    response = await client.post(
        "/api/v2/media",
        headers={**alice.auth, "content-type": "multipart/form-data; boundary=x",
                 "content-length": str(200 * 1024 * 1024)},
        content=b"--x--\r\n",
    )  # fmt: skip
    assert response.status_code == 413
    assert response.json() == {"error": "The request body is too large"}


async def test_a_streamed_body_is_cut_off_at_the_limit() -> None:
    async def echo(request: Request) -> JSONResponse:
        return JSONResponse({"size": len(await request.body())})

    app = BodyLimit(Starlette(routes=[Route("/", echo, methods=["POST"])]), limit=1000)

    async def chunks(n: int):  # type: ignore[no-untyped-def]  # an async generator body
        for _ in range(n):
            yield b"x" * 300

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        small = await c.post("/", content=chunks(3))
        assert small.json() == {"size": 900}
        big = await c.post("/", content=chunks(4))
        assert big.status_code == 413
