"""Picks the media store from settings (roost.media.storage has the Protocol)."""

from __future__ import annotations

from typing import Any

from roost.config import Settings
from roost.media.storage import MediaStorage
from roost.media.storage_local import LocalStorage
from roost.media.storage_s3 import S3Storage


def build_storage(settings: Settings) -> MediaStorage:
    """The store `settings` ask for: S3 when a bucket is set, else `<data_dir>/media`."""
    if settings.media_s3_bucket:
        return S3Storage(
            bucket=settings.media_s3_bucket,
            endpoint=settings.media_s3_endpoint or None,
            region=settings.media_s3_region or None,
            access_key_id=settings.media_s3_access_key_id or None,
            secret_access_key=settings.media_s3_secret_access_key or None,
            public_url=settings.media_public_url or None,
        )
    return LocalStorage(
        settings.data_dir / "media", settings.media_public_url or f"{settings.base_url}/media"
    )


def storage_of(context: Any) -> MediaStorage:
    """The media store of a job's context (an instance has one; else built from its
    settings)."""
    storage: MediaStorage | None = getattr(context, "media_storage", None)
    return storage if storage is not None else build_storage(context.settings)
