"""Media files in a local directory, served by Roost at /media/<key> (roost.web.uploads)."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import anyio.to_thread

from roost.media.storage import CONTENT_TYPES, StoredFile, check_key


class LocalStorage:
    """`root/<key>` on disk; written through a temporary file and a rename, so a reader
    never sees half a file."""

    def __init__(self, root: Path, public_url: str) -> None:
        self.root = root
        self.public_url = public_url.rstrip("/")

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            try:
                tmp.write_bytes(data)
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)

        await anyio.to_thread.run_sync(write)

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)

        def read() -> bytes | None:
            try:
                return path.read_bytes()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                return None

        return await anyio.to_thread.run_sync(read)

    async def delete(self, key: str) -> None:
        path = self._path(key)

        def remove() -> None:
            path.unlink(missing_ok=True)
            for parent in path.parents:  # empty directories go too
                if parent == self.root or self.root not in parent.parents:
                    break
                try:
                    parent.rmdir()
                except OSError:
                    break

        await anyio.to_thread.run_sync(remove)

    def url(self, key: str) -> str:
        return f"{self.public_url}/{check_key(key)}"

    async def files(self, prefix: str = "") -> AsyncIterator[StoredFile]:
        def walk() -> list[StoredFile]:
            found = []
            for dirpath, _dirs, names in os.walk(self.root):
                for name in names:
                    if name.startswith("."):  # a write under way
                        continue
                    path = Path(dirpath) / name
                    key = path.relative_to(self.root).as_posix()
                    if key.startswith(prefix):
                        found.append(StoredFile(key, path.stat().st_size))
            return sorted(found, key=lambda f: f.key)

        for stored in await anyio.to_thread.run_sync(walk):
            yield stored

    async def file_for(self, key: str) -> tuple[Path, str] | None:
        """The file to serve for `key` and its Content-Type, or None (no such file, or a
        key that is not ours to serve)."""
        try:
            path = self._path(key)
        except ValueError:
            return None
        suffix = path.suffix.lower()
        if suffix not in CONTENT_TYPES or suffix == ".bin":
            return None
        if not await anyio.to_thread.run_sync(path.is_file):
            return None
        return path, CONTENT_TYPES[suffix]
