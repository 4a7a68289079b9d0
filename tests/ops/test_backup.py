"""`roost backup` / `roost restore` refusals (the round trip is tests/e2e/test_backup.py)."""

from __future__ import annotations

import dataclasses
import shutil
import tarfile
from pathlib import Path

import pytest

from roost.config import Settings
from roost.db.migrate import upgrade
from roost.ops import backup
from roost.ops.backup import BackupError, restore_backup, write_backup


def sqlite_settings(data_dir: Path) -> Settings:
    return Settings.from_env({"ROOST_DATA_DIR": str(data_dir)})


async def test_backup_names_the_missing_pg_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    settings = Settings.from_env({"ROOST_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"})
    with pytest.raises(BackupError, match=r"pg_dump is not installed.*postgresql-client"):
        await write_backup(settings, Path("/nonexistent/backup.tar.gz"))


async def test_backup_of_no_database_says_so(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no SQLite database"):
        await write_backup(sqlite_settings(tmp_path / "var"), tmp_path / "b.tar.gz")


async def test_restore_refuses_what_is_not_a_roost_backup(tmp_path: Path) -> None:
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        tar.add(__file__, arcname="notes.txt")
    with pytest.raises(BackupError, match="not a Roost backup"):
        await restore_backup(sqlite_settings(tmp_path / "var"), other)
    assert not (tmp_path / "var").exists()


async def test_restore_refuses_another_backend(tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    settings = sqlite_settings(tmp_path / "var")
    await upgrade(settings.database_url)
    await write_backup(settings, archive)
    postgres = dataclasses.replace(
        settings,
        data_dir=tmp_path / "pg",
        database_url="postgresql+asyncpg://nobody@127.0.0.1:1/x",
    )
    with pytest.raises(BackupError, match="This is a sqlite backup"):
        backup._unpack(postgres, archive, True)  # as if the PostgreSQL database were empty
