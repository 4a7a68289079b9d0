"""Media files in an S3-compatible bucket (AWS S3, MinIO, Garage, R2...), through boto3
in a thread: boto3 blocks, and each call is one HTTP request."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from typing import Any

import anyio.to_thread
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from roost.media.storage import StoredFile, check_key

CACHE_CONTROL = "public, max-age=31536000, immutable"


class S3Storage:
    """Files as objects `<key>` of `bucket`; URLs under `public_url` (a CDN or the
    bucket's public address), else `<endpoint>/<bucket>/<key>`."""

    def __init__(
        self,
        *,
        bucket: str,
        endpoint: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        public_url: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint,
            region_name=region or "us-east-1",
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(
                connect_timeout=10,
                read_timeout=60,
                retries={"max_attempts": 3},
                s3={"addressing_style": "path"},
            ),
        )
        base = public_url or f"{(endpoint or 'https://s3.amazonaws.com').rstrip('/')}/{bucket}"
        self.public_url = base.rstrip("/")

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await anyio.to_thread.run_sync(
            lambda: self.client.put_object(
                Bucket=self.bucket,
                Key=check_key(key),
                Body=data,
                ContentType=content_type,
                CacheControl=CACHE_CONTROL,
            )
        )

    async def get(self, key: str) -> bytes | None:
        def read() -> bytes | None:
            try:
                response = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    return None
                raise
            body: bytes = response["Body"].read()
            return body

        return await anyio.to_thread.run_sync(read)

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(
            lambda: self.client.delete_object(Bucket=self.bucket, Key=check_key(key))
        )

    def url(self, key: str) -> str:
        return f"{self.public_url}/{check_key(key)}"

    async def files(self, prefix: str = "") -> AsyncIterator[StoredFile]:
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix, "MaxKeys": 1000}
            if token:
                kwargs["ContinuationToken"] = token
            page: dict[str, Any] = await anyio.to_thread.run_sync(
                functools.partial(self.client.list_objects_v2, **kwargs)
            )
            for item in page.get("Contents", []):
                yield StoredFile(str(item["Key"]), int(item["Size"]))
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                return
