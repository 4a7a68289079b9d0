"""Uploading through the Mastodon API on both stores: what is stored (EXIF gone, sizes
bounded, a preview and a blurhash), describing, reading back and deleting."""

from __future__ import annotations

import io

import httpx
import sqlalchemy as sa
from PIL import Image

from roost.instance import Roost
from roost.media.tables import media_attachments
from tests.conftest import MakeUser, User
from tests.media.conftest import jpeg_with_exif, key_of, png, stored_keys


async def _rows(roost: Roost) -> list[sa.Row[tuple[object, ...]]]:
    return list(await roost.db.fetch_all(sa.select(media_attachments)))


async def test_image_upload_is_stored_upright_without_exif(
    client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    response = await client.post(
        "/api/v2/media",
        headers=alice.auth,
        files={"file": ("photo.jpg", jpeg_with_exif((800, 600)), "image/jpeg")},
        data={"description": "A red wall", "focus": "0.5,-0.25"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["type"] == "image"
    assert body["description"] == "A red wall"
    assert body["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    # Orientation 6: the 800x600 picture is shown (and now stored) 600x800.
    assert body["meta"]["original"] == {"width": 600, "height": 800, "size": "600x800",
                                        "aspect": 0.75}  # fmt: skip
    small = body["meta"]["small"]
    assert small["width"] * small["height"] <= 230_400
    assert small["width"] < small["height"]
    assert isinstance(body["blurhash"], str)
    assert len(body["blurhash"]) > 6
    assert body["remote_url"] is None
    assert body["text_url"] is None
    storage = media_roost.media_storage
    original = await storage.get(key_of(storage, body["url"]))
    preview = await storage.get(key_of(storage, body["preview_url"]))
    assert original is not None
    assert preview is not None
    with Image.open(io.BytesIO(original)) as image:
        assert image.format == "JPEG"
        assert image.size == (600, 800)
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
    assert b"SnoopCam" not in original
    with Image.open(io.BytesIO(preview)) as image:
        assert image.size == (small["width"], small["height"])


async def test_large_images_are_bounded_and_png_stays_png(
    client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    response = await client.post(
        "/api/v1/media", headers=alice.auth,
        files={"file": ("big.png", png((4000, 2500)), "image/png")},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    width, height = body["meta"]["original"]["width"], body["meta"]["original"]["height"]
    assert width * height <= 8_294_400
    assert abs(width / height - 1.6) < 0.01
    storage = media_roost.media_storage
    data = await storage.get(key_of(storage, body["url"]))
    assert data is not None
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.mode == "RGBA"  # transparency kept
    assert body["url"].endswith(".png")


async def test_describe_read_back_and_delete(
    client: httpx.AsyncClient, media_roost: Roost, alice: User, bob: User
) -> None:
    created = await client.post(
        "/api/v2/media", headers=alice.auth, files={"file": ("p.png", png(), "image/png")}
    )
    media_id = created.json()["id"]
    updated = await client.put(
        f"/api/v1/media/{media_id}",
        headers=alice.auth,
        json={"description": "A green square", "focus": "-1,1"},
    )
    assert updated.status_code == 200
    assert updated.json()["description"] == "A green square"
    assert updated.json()["meta"]["focus"] == {"x": -1.0, "y": 1.0}
    shown = await client.get(f"/api/v1/media/{media_id}", headers=alice.auth)
    assert shown.status_code == 200
    assert shown.json()["description"] == "A green square"
    # Nobody else's business.
    assert (await client.get(f"/api/v1/media/{media_id}", headers=bob.auth)).status_code == 404
    assert (await client.delete(f"/api/v1/media/{media_id}", headers=bob.auth)).status_code == 404
    too_long = await client.put(
        f"/api/v1/media/{media_id}", headers=alice.auth, json={"description": "x" * 1501}
    )
    assert too_long.status_code == 422
    assert "error" in too_long.json()
    for focus in ("2,0", "a,b", "0.5", "nan,0"):
        bad = await client.put(f"/api/v1/media/{media_id}", headers=alice.auth,
                               json={"focus": focus})  # fmt: skip
        assert bad.status_code == 422, focus
    cleared = await client.put(f"/api/v1/media/{media_id}", headers=alice.auth,
                               data={"description": ""})  # fmt: skip
    assert cleared.json()["description"] is None
    storage = media_roost.media_storage
    assert len(await stored_keys(storage)) == 2
    deleted = await client.delete(f"/api/v1/media/{media_id}", headers=alice.auth)
    assert deleted.status_code == 200
    assert deleted.json()["id"] == media_id
    assert await stored_keys(storage) == []
    assert await _rows(media_roost) == []
    assert (await client.get(f"/api/v1/media/{media_id}", headers=alice.auth)).status_code == 404


async def test_attached_media_cannot_be_deleted_or_changed(
    client: httpx.AsyncClient, media_roost: Roost, alice: User
) -> None:
    created = await client.post(
        "/api/v2/media", headers=alice.auth, files={"file": ("p.png", png(), "image/png")}
    )
    media_id = created.json()["id"]
    posted = await client.post(
        "/api/v1/statuses", headers=alice.auth,
        json={"status": "look", "media_ids": [media_id]},
    )  # fmt: skip
    assert posted.status_code == 200, posted.text
    refused = await client.delete(f"/api/v1/media/{media_id}", headers=alice.auth)
    assert refused.status_code == 422
    assert "used by a status" in refused.json()["error"]
    # As Mastodon: once posted, an upload is no longer found through /api/v1/media.
    put = await client.put(f"/api/v1/media/{media_id}", headers=alice.auth,
                           json={"description": "late"})  # fmt: skip
    assert put.status_code == 404
    assert len(await stored_keys(media_roost.media_storage)) == 2


async def test_scope_and_token_required(
    client: httpx.AsyncClient, media_roost: Roost, make_user: MakeUser
) -> None:
    files = {"file": ("p.png", png(), "image/png")}
    assert (await client.post("/api/v2/media", files=files)).status_code == 401
    reader = await make_user("reader", scopes="read")
    response = await client.post("/api/v2/media", headers=reader.auth, files=files)
    assert response.status_code == 403
    writer = await make_user("writer", scopes="write:media")
    response = await client.post("/api/v2/media", headers=writer.auth, files=files)
    assert response.status_code == 200
