"""Avatars and headers through the API, on both stores: the same checks and re-encoding
as media uploads, animated GIFs kept with a static first frame, alt text, removal."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from roost.instance import Roost
from tests.conftest import User
from tests.media.conftest import animated_gif, jpeg_with_exif, key_of, png, stored_keys


async def _image(roost: Roost, url: str) -> Image.Image:
    data = await roost.media_storage.get(key_of(roost.media_storage, url))
    assert data is not None
    return Image.open(io.BytesIO(data))


async def test_avatar_and_header_with_descriptions(
    client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    response = await client.patch(
        "/api/v1/accounts/update_credentials",
        headers=alice.auth,
        files={"avatar": ("me.jpg", jpeg_with_exif((900, 700)), "image/jpeg"),
               "header": ("h.png", png((3000, 1000), mode="RGB"), "image/png")},
        data={"avatar_description": "A red wall", "header_description": "Green"},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["avatar_description"] == "A red wall"
    assert me["header_description"] == "Green"
    assert me["avatar_static"] == me["avatar"]
    avatar = await _image(media_roost, me["avatar"])
    assert avatar.size == (400, 400)
    assert dict(avatar.getexif()) == {}
    header = await _image(media_roost, me["header"])
    assert header.size[0] * header.size[1] <= 750_000
    assert abs(header.size[0] / header.size[1] - 3) < 0.02
    shown = (await client.get(f"/api/v1/accounts/{alice.id}")).json()
    assert shown["avatar"] == me["avatar"]
    assert shown["avatar_description"] == "A red wall"

    # A new avatar replaces the old file; removing the header removes its file.
    again = await client.patch(
        "/api/v1/accounts/update_credentials", headers=alice.auth,
        files={"avatar": ("b.png", png(), "image/png")},
    )  # fmt: skip
    assert again.status_code == 200
    removed = await client.delete("/api/v1/profile/header", headers=alice.auth)
    assert removed.status_code == 200
    assert removed.json()["header"].endswith("/static/header.png")
    keys = await stored_keys(media_roost.media_storage)
    assert keys == [key_of(media_roost.media_storage, again.json()["avatar"])]
    gone = await client.delete("/api/v1/profile/avatar", headers=alice.auth)
    assert gone.json()["avatar"].endswith("/static/avatar.png")
    assert await stored_keys(media_roost.media_storage) == []


async def test_an_animated_avatar_keeps_moving_and_has_a_static_frame(
    client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    response = await client.patch(
        "/api/v1/accounts/update_credentials", headers=alice.auth,
        files={"avatar": ("a.gif", animated_gif(frames=5, size=(120, 90)), "image/gif")},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["avatar"].endswith(".gif")
    assert me["avatar_static"].endswith("-static.png")
    moving = await _image(media_roost, me["avatar"])
    assert getattr(moving, "n_frames", 1) == 5
    assert moving.size == (400, 400)
    still = await _image(media_roost, me["avatar_static"])
    assert still.format == "PNG"
    assert getattr(still, "n_frames", 1) == 1
    # Replaced by a still image: both old files go, and the static one is the avatar.
    after = await client.patch(
        "/api/v1/accounts/update_credentials", headers=alice.auth,
        files={"avatar": ("b.png", png(), "image/png")},
    )  # fmt: skip
    assert after.json()["avatar_static"] == after.json()["avatar"]
    assert len(await stored_keys(media_roost.media_storage)) == 1


async def test_bad_profile_images_and_descriptions_change_nothing(
    client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    cases = [
        ({"avatar": ("a.png", b"<svg/>", "image/png")}, {}),
        ({"avatar": ("a.png", png(), "image/png"),
          "header": ("h.png", b"\x89PNG\r\n\x1a\nbroken", "image/png")}, {}),
        ({"avatar": ("a.png", png(), "image/png")}, {"avatar_description": "x" * 151}),
    ]  # fmt: skip
    for files, data in cases:
        response = await client.patch(
            "/api/v1/accounts/update_credentials",
            headers=alice.auth,
            files=files,
            data={"display_name": "Changed", **data},
        )
        assert response.status_code == 422, response.text
        assert "error" in response.json()
    assert await stored_keys(media_roost.media_storage) == []
    me = (await client.get("/api/v1/accounts/verify_credentials", headers=alice.auth)).json()
    assert me["display_name"] != "Changed"
    assert me["avatar"].endswith("/static/avatar.png")
