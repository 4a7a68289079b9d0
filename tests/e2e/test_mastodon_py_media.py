"""Media with Mastodon.py against a real `roost serve`: an image with alt text and a focal
point, editing it, a video processed by the worker (202, polled until ready), an avatar,
and a post with the uploads."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
from mastodon import Mastodon
from PIL import Image

from tests.e2e.server import Server, roost_server
from tests.media.conftest import jpeg_with_exif, mp4_video, png

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with roost_server(tmp_path_factory.mktemp("mastodon_py_media")) as s:
        yield s


def client_for(server: Server, name: str) -> Mastodon:
    server.cli("users", "create", name, "--email", f"{name}@example.com")
    token = server.cli("tokens", "create", name, "--scopes", "read write").strip()
    return Mastodon(access_token=token, api_base_url=server.url)


def test_media_with_mastodon_py(server: Server) -> None:
    ana = client_for(server, "ana")

    image = ana.media_post(
        jpeg_with_exif((640, 480)),
        mime_type="image/jpeg",
        file_name="wall.jpg",
        description="A red and blue wall",
        focus=(0.25, -0.5),
    )
    assert image.type == "image"
    assert image.description == "A red and blue wall"
    assert image.meta.focus.x == 0.25
    assert image.meta.focus.y == -0.5
    assert image.meta.original.width == 480  # turned upright
    assert image.blurhash
    served = httpx.get(image.url)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert dict(Image.open(io.BytesIO(served.content)).getexif()) == {}

    updated = ana.media_update(image.id, description="A wall, red and blue", focus=(0.0, 0.0))
    assert updated.description == "A wall, red and blue"
    assert updated.meta.focus.x == 0.0

    # A video goes through the worker: Mastodon.py polls until `url` is set.
    video = ana.media_post(
        mp4_video(seconds=1.0), mime_type="video/mp4", file_name="clip.mp4", synchronous=True
    )
    assert video.type == "video"
    assert video.url.endswith(".mp4")
    assert video.meta.original.frame_rate == "24/1"

    me = ana.account_update_credentials(
        avatar=png((300, 300), mode="RGB"), avatar_mime_type="image/png"
    )
    assert "/media/accounts/avatars/" in me.avatar
    assert httpx.get(me.avatar).status_code == 200

    status = ana.status_post("A wall", media_ids=[updated.id])
    assert [m.id for m in status.media_attachments] == [image.id]
    assert status.media_attachments[0].description == "A wall, red and blue"
    assert ana.status(status.id).media_attachments[0].url == image.url
