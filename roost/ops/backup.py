"""`roost backup FILE` and `roost restore FILE`: one archive holding a consistent snapshot
of the database, the secret key and a manifest, taken while the instance serves.

The archive is a gzipped tar of `manifest.json` (format, Roost version, backend, Alembic
revision, time), `database.sqlite` (SQLite's backup API) or `database.pgdump` (`pg_dump
--format=custom`), and `secret_key` when the data dir holds one.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from roost.config import Settings
from roost.db import Database
from roost.db.migrate import current_revision, upgrade
from roost.ops.findings import sqlite_path
from roost.ops.tables import schedules

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite"
PG_MEMBER = "database.pgdump"
SECRET_MEMBER = "secret_key"
# Keys the data dir holds beside the secret key: Web Push's VAPID key (a new one would
# break every phone's push subscription).
KEY_MEMBERS = (SECRET_MEMBER, "vapid_private_key")
PREFIX, SUFFIX = "roost-", ".tar.gz"  # timestamped archives: roost-20261203T193800123456Z


class BackupError(Exception):
    """A backup or restore that cannot be done, with what to do about it."""


def _libpq_url(settings: Settings) -> str:
    """The database URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: PostgreSQL backups need it "
            "(sudo apt-get install postgresql-client, of the server's version or newer)."
        )
    return path


def _run_tool(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()}")


def _snapshot_sqlite(source: Path, target: Path) -> str | None:
    """Copy the live database into `target` in one step of SQLite's backup API: one read
    transaction, so a consistent snapshot (in WAL mode writers go on meanwhile; a backup in
    several steps would start over at each write). Returns its Alembic revision."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            row = dst.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            dst.close()
    finally:
        src.close()
    return None if row is None else str(row[0])


async def write_backup(settings: Settings, file: Path) -> dict[str, Any]:
    """Write the archive to `file` (0600, replaced whole only once complete); return its
    manifest."""
    with tempfile.TemporaryDirectory(prefix="roost-backup-") as tmp:
        work = Path(tmp)
        db_file = sqlite_path(settings)
        if settings.is_sqlite:
            if db_file is None or not db_file.exists():
                raise BackupError(f"There is no SQLite database at {db_file} to back up.")
            member, dump = SQLITE_MEMBER, work / SQLITE_MEMBER
            revision = await asyncio.to_thread(_snapshot_sqlite, db_file, dump)
            backend = "sqlite"
        else:
            pg_dump = _tool("pg_dump")
            member, dump = PG_MEMBER, work / PG_MEMBER
            revision = await current_revision(settings.database_url)
            url = _libpq_url(settings)
            # pg_dump reads in one repeatable-read transaction: a consistent snapshot.
            args = [pg_dump, "--format=custom", "--no-owner", "--no-acl", f"--file={dump}", url]
            await asyncio.to_thread(_run_tool, args)
            backend = "postgresql"
        keys = [settings.data_dir / k for k in KEY_MEMBERS if (settings.data_dir / k).exists()]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "roost_version": metadata.version("roost"),
            "backend": backend,
            "alembic_revision": revision,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": [member] + [k.name for k in keys],
        }
        # Compressing takes seconds on a large database: off the event loop, like the dump.
        await asyncio.to_thread(_pack, file, manifest, dump, member, keys)
    return manifest


def _pack(file: Path, manifest: dict[str, Any], dump: Path, member: str, keys: list[Path]) -> None:
    partial = file.with_name(f".{file.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=member)
            for key in keys:
                tar.add(key, arcname=key.name)
        partial.replace(file)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def timestamped(directory: Path) -> Path:
    """A new archive's path in `directory` (made private if new), named after the time."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory / f"{PREFIX}{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}{SUFFIX}"


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` timestamped archives in `directory`; return them.
    Other files are left alone."""
    ours = sorted(p for p in directory.glob(f"{PREFIX}*{SUFFIX}") if not p.name.startswith("."))
    old = ours[: max(0, len(ours) - keep)]
    for path in old:
        path.unlink()
    return old


def newest_backup(directory: Path) -> tuple[Path, float] | None:
    """The newest timestamped archive in `directory` and its mtime (Unix time), or None
    when there is none (or no such directory)."""
    try:
        ours = [p for p in directory.glob(f"{PREFIX}*{SUFFIX}") if not p.name.startswith(".")]
        newest = max(ours, default=None)
        return None if newest is None else (newest, newest.stat().st_mtime)
    except FileNotFoundError:  # pruned (or the dir removed) between the listing and stat
        return None


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        raw = tar.extractfile(MANIFEST)
    except KeyError:
        raw = None
    if raw is None:
        raise BackupError("This file is not a Roost backup: it has no manifest.json.")
    manifest: dict[str, Any] = json.loads(raw.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _extract(tar: tarfile.TarFile, member: str, target: Path) -> None:
    """Copy one member into a new private file (never an existing one)."""
    source = tar.extractfile(member)
    if source is None:
        raise BackupError(f"The backup's {member} is not a file.")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(source, out)


async def _pg_is_empty(settings: Settings) -> bool:
    engine = create_async_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            tables = await conn.scalar(
                sa.text(
                    "SELECT count(*) FROM information_schema.tables "
                    "WHERE table_schema = current_schema()"
                )
            )
    finally:
        await engine.dispose()
    return not tables


async def restore_backup(settings: Settings, file: Path) -> dict[str, Any]:
    """Restore the archive `file` into an empty data dir and an empty database, then apply
    migrations (a backup from an older Roost); return its manifest."""
    empty_database = settings.is_sqlite or await _pg_is_empty(settings)
    manifest = await asyncio.to_thread(_unpack, settings, file, empty_database)
    await upgrade(settings.database_url)
    # The snapshot caught the scheduled backup that took it as still running: start afresh.
    db = Database(settings.database_url)
    try:
        await db.execute(schedules.delete())
    finally:
        await db.dispose()
    return manifest


def _unpack(settings: Settings, file: Path, empty_database: bool) -> dict[str, Any]:
    if not file.is_file():
        raise BackupError(f"There is no backup file at {file}.")
    with tarfile.open(file, mode="r:gz") as tar:
        manifest = read_manifest(tar)
        backend = "sqlite" if settings.is_sqlite else "postgresql"
        if manifest["backend"] != backend:
            raise BackupError(
                f"This is a {manifest['backend']} backup and the instance is configured for "
                f"{backend} (ROOST_DATABASE_URL): restore it into a {manifest['backend']} "
                "instance."
            )
        data_dir = settings.data_dir
        if data_dir.exists() and any(data_dir.iterdir()):
            raise BackupError(
                f"The data dir {data_dir} is not empty: restore only into an empty one "
                "(move it aside, or point ROOST_DATA_DIR at a new directory)."
            )
        db_file = sqlite_path(settings)
        if db_file is not None and db_file.exists():
            raise BackupError(f"There is already a database at {db_file}: restore refuses it.")
        if not empty_database:
            raise BackupError(
                "The PostgreSQL database is not empty: restore only into a new one "
                "(createdb, then point ROOST_DATABASE_URL at it)."
            )
        pg_restore = _tool("pg_restore") if backend == "postgresql" else ""
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        for key in KEY_MEMBERS:
            if key in manifest["files"]:
                _extract(tar, key, data_dir / key)
        if db_file is not None:
            db_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _extract(tar, SQLITE_MEMBER, db_file)
        elif backend == "postgresql":
            with tempfile.TemporaryDirectory(prefix="roost-restore-") as tmp:
                dump = Path(tmp) / PG_MEMBER
                _extract(tar, PG_MEMBER, dump)
                args = [pg_restore, "--no-owner", "--no-acl", "--exit-on-error"]
                args += ["--single-transaction", f"--dbname={_libpq_url(settings)}", str(dump)]
                _run_tool(args)
    return manifest
