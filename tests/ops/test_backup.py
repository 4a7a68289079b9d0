"""`roost backup` / `roost restore` refusals (the round trip is tests/e2e/test_backup.py)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from roost.config import Settings
from roost.db.migrate import upgrade
from roost.ops import backup
from roost.ops.backup import BackupError, prune, restore_backup, write_backup
from tests.e2e.server import ROOST


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


def test_backup_into_a_dir_keeps_the_newest(tmp_path: Path) -> None:
    data, into = tmp_path / "var", tmp_path / "backups"
    into.mkdir()
    (into / "notes.txt").write_text("not ours")
    (into / "roost-20000101T000000000000Z.tar.gz").write_text("an old one")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    env.update(ROOST_DATA_DIR=str(data), ROOST_BACKUP_DIR=str(into), ROOST_BACKUP_KEEP="2")
    assert subprocess.run([ROOST, "migrate"], env=env, check=False).returncode == 0
    for _ in range(2):
        done = subprocess.run(
            [ROOST, "backup"], env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
    assert "Removed the old backup" in done.stderr
    kept = sorted(p.name for p in into.iterdir())
    assert len(kept) == 3
    assert kept[0] == "notes.txt"
    assert "roost-20000101T000000000000Z.tar.gz" not in kept  # the oldest went
    with tarfile.open(into / kept[-1]) as tar:
        assert backup.read_manifest(tar)["backend"] == "sqlite"


def test_prune_leaves_other_files(tmp_path: Path) -> None:
    names = [f"roost-2026010{i}T000000000000Z.tar.gz" for i in range(1, 5)]
    for name in [*names, "roost.db", ".roost-x.tar.gz.partial"]:
        (tmp_path / name).write_text("")
    assert [p.name for p in prune(tmp_path, 2)] == names[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*names[2:], "roost.db", ".roost-x.tar.gz.partial"]
    )
