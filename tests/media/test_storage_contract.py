"""The MediaStorage contract, run against every store: a local directory and an
S3-compatible server (moto's, on 127.0.0.1)."""

from __future__ import annotations

import pytest

from roost.media.storage import MediaStorage, content_type_of
from tests.media.conftest import make_s3, stored_keys


async def test_put_get_and_overwrite(storage: MediaStorage) -> None:
    await storage.put("media_attachments/1/a-original.jpg", b"first", "image/jpeg")
    assert await storage.get("media_attachments/1/a-original.jpg") == b"first"
    await storage.put("media_attachments/1/a-original.jpg", b"second", "image/jpeg")
    assert await storage.get("media_attachments/1/a-original.jpg") == b"second"


async def test_missing_file_reads_as_none_and_deletes_quietly(storage: MediaStorage) -> None:
    assert await storage.get("media_attachments/9/nothing.png") is None
    await storage.delete("media_attachments/9/nothing.png")
    assert await stored_keys(storage) == []


async def test_delete_removes_only_that_file(storage: MediaStorage) -> None:
    await storage.put("media_attachments/1/x-original.png", b"1", "image/png")
    await storage.put("media_attachments/1/x-small.png", b"22", "image/png")
    await storage.delete("media_attachments/1/x-original.png")
    assert await storage.get("media_attachments/1/x-original.png") is None
    assert await storage.get("media_attachments/1/x-small.png") == b"22"


async def test_files_lists_keys_and_sizes_under_a_prefix(storage: MediaStorage) -> None:
    await storage.put("media_attachments/1/o.jpg", b"abc", "image/jpeg")
    await storage.put("media_attachments/2/o.mp4", b"abcdef", "video/mp4")
    await storage.put("accounts/avatars/3-x.webp", b"ab", "image/webp")
    listed = {f.key: f.size async for f in storage.files("media_attachments/")}
    assert listed == {"media_attachments/1/o.jpg": 3, "media_attachments/2/o.mp4": 6}
    assert len(await stored_keys(storage)) == 3


async def test_url_ends_with_the_key(storage: MediaStorage) -> None:
    url = storage.url("media_attachments/1/o.jpg")
    assert url.startswith(("http://", "https://"))
    assert url.endswith("/media_attachments/1/o.jpg")


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "/abs/path.jpg", "a/../b.jpg", "a//b.jpg", "a/./b.jpg", "", "a b.jpg"]
)
async def test_refuses_keys_that_are_not_plain_paths(storage: MediaStorage, key: str) -> None:
    with pytest.raises(ValueError, match="not a media key"):
        await storage.put(key, b"x", "image/png")
    with pytest.raises(ValueError, match="not a media key"):
        storage.url(key)


async def test_s3_objects_carry_their_type_and_cache_headers(s3_endpoint: str) -> None:
    store = make_s3(s3_endpoint)
    await store.put("media_attachments/1/o.webp", b"RIFF", "image/webp")
    head = store.client.head_object(Bucket=store.bucket, Key="media_attachments/1/o.webp")
    assert head["ContentType"] == "image/webp"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert store.url("media_attachments/1/o.webp") == (
        f"https://cdn.example/{store.bucket}/media_attachments/1/o.webp"
    )


def test_content_types_follow_the_extension() -> None:
    assert content_type_of("a/b.JPG") == "image/jpeg"
    assert content_type_of("a/b.mp4") == "video/mp4"
    assert content_type_of("a/b.exe") == "application/octet-stream"
