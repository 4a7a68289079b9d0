"""Settings from the environment: durability, and a secret key that is never readable by
others, not even for a moment."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from roost.config import Settings, normalise_database_url
from roost.db import Database


def test_sqlite_sync_is_normal_unless_full(tmp_path: Path) -> None:
    env = {"ROOST_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(env).sqlite_sync == "normal"
    assert Settings.from_env({**env, "ROOST_SQLITE_SYNC": "FULL"}).sqlite_sync == "full"
    with pytest.raises(ValueError, match="ROOST_SQLITE_SYNC must be normal or full"):
        Settings.from_env({**env, "ROOST_SQLITE_SYNC": "off"})


@pytest.mark.parametrize(("setting", "pragma"), [("normal", 1), ("full", 2)])
async def test_sqlite_sync_reaches_every_connection(
    tmp_path: Path, setting: str, pragma: int
) -> None:
    db = Database(normalise_database_url(f"sqlite:///{tmp_path / 'x.db'}"), sqlite_sync=setting)
    try:
        assert await db.scalar(sa.text("PRAGMA synchronous")) == pragma  # a read connection
        async with db.transaction() as tx:  # the write connection
            assert await tx.scalar(sa.text("PRAGMA synchronous")) == pragma
    finally:
        await db.dispose()


def test_a_new_secret_key_is_private_from_creation(tmp_path: Path) -> None:
    data = tmp_path / "new" / "data"
    before = os.umask(0o022)  # a permissive umask: the modes must not depend on it
    try:
        settings = Settings.from_env({"ROOST_DATA_DIR": str(data)}).with_secret()
    finally:
        os.umask(before)
    key = data / "secret_key"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text().strip() == settings.secret_key
    again = Settings.from_env({"ROOST_DATA_DIR": str(data)}).with_secret()
    assert again.secret_key == settings.secret_key


def test_a_key_made_meanwhile_by_another_process_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "secret_key"
    real_open = os.open

    def racing_open(path: str | Path, flags: int, mode: int = 0o777) -> int:
        if Path(path) == key:  # another process wins the race between exists() and open()
            key.write_text("theirs\n")
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", racing_open)
    settings = Settings.from_env({"ROOST_DATA_DIR": str(tmp_path)}).with_secret()
    assert settings.secret_key == "theirs"


def test_operator_limits_are_read_from_the_environment() -> None:
    settings = Settings.from_env({
        "ROOST_BACKUP_DIR": "/srv/backups", "ROOST_BACKUP_KEEP": "14",
        "ROOST_BACKUP_INTERVAL_HOURS": "6", "ROOST_READY_MAX_JOB_LAG": "60",
        "ROOST_READY_MIN_FREE_MB": "0", "ROOST_LOG_FORMAT": "JSON",
    })  # fmt: skip
    assert settings.backup_dir == Path("/srv/backups")
    assert (settings.backup_keep, settings.backup_interval_hours) == (14, 6.0)
    assert (settings.ready_max_job_lag, settings.ready_min_free_mb) == (60.0, 0)
    assert settings.log_format == "json"
    defaults = Settings.from_env({})
    assert defaults.backup_dir is None
    assert defaults.log_format == "auto"


@pytest.mark.parametrize(
    ("name", "value"),
    [("ROOST_BACKUP_KEEP", "0"), ("ROOST_BACKUP_KEEP", "x"),
     ("ROOST_BACKUP_INTERVAL_HOURS", "-1"), ("ROOST_BACKUP_INTERVAL_HOURS", "nan"),
     ("ROOST_READY_MAX_JOB_LAG", "soon"), ("ROOST_LOG_FORMAT", "xml")],
)  # fmt: skip
def test_a_bad_limit_is_named(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: value})
