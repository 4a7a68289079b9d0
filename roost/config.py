"""One Settings object, read from ROOST_* environment variables (and CLI flags)."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

Registrations = Literal["open", "approval", "closed"]
SqliteSync = Literal["normal", "full"]
LogFormat = Literal["auto", "json", "console"]


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything an instance is configured with. Build it with `Settings.from_env()`."""

    domain: str = "localhost:8000"
    data_dir: Path = Path("./var")
    database_url: str = ""
    redis_url: str | None = None
    redis_prefix: str = "roost:"
    secret_key: str = ""
    registrations: Registrations = "open"
    oauth_password_grant: bool = False
    max_post_chars: int = 500
    https: bool = False
    title: str = "Roost"
    description: str = "A small, fast social network."
    contact_email: str = ""
    # Tests lower this so that a Mastodon.py session does not trip the limits.
    rate_limit_per_5min: int = 300
    # Accounts with more followers are not fanned out; readers merge their posts on read.
    fanout_threshold: int = 250_000
    # Followers inactive this long are skipped by fan-out; their feed is rebuilt on return.
    inactive_days: int = 30
    # Followers written per fan-out round trip.
    fanout_batch: int = 1000
    # Seconds a worker holds a claimed job before another may take it over.
    job_lease: float = 30.0
    # Run the job worker inside `roost serve` (off with --no-worker).
    in_process_worker: bool = True
    # SQLite's `PRAGMA synchronous`: with "normal" a committed post survives a crash of the
    # process; with "full" a power loss too (docs/operations.md has the cost of each).
    sqlite_sync: SqliteSync = "normal"
    # Throttles (0 turns one off): sign-ups per address per 30 minutes, failed sign-ins
    # per address per 5 minutes, and per account (from any address) per hour.
    signup_limit: int = 5
    sign_in_limit: int = 10
    sign_in_account_limit: int = 25
    # Days between an owner deleting their account and its data being removed.
    deletion_grace_days: float = 30.0
    # Proxies whose X-Forwarded-For names the client (uvicorn's forwarded_allow_ips).
    trusted_proxies: str = "127.0.0.1"
    # Scheduled backups by the job worker: into this directory (off when unset), every
    # `backup_interval_hours`, keeping the newest `backup_keep` archives.
    backup_dir: Path | None = None
    backup_keep: int = 7
    backup_interval_hours: float = 24.0
    # /health/ready fails when the oldest due job waited longer than this many seconds, or
    # when the data dir's disk has less free than this many MB (and under 1%).
    ready_max_job_lag: float = 300.0
    ready_min_free_mb: int = 100
    # Log lines: "json" (one object per line), "console" (readable), or "auto": console
    # on a terminal, JSON otherwise.
    log_format: LogFormat = "auto"
    # Trends: nothing trends before the operator approves it (`roost trends`).
    trends_review: bool = False
    # Outbound requests (Web Push, link previews) may reach loopback and private
    # addresses: tests and private deployments only (roost.outbound).
    allow_private_network: bool = False
    # Web Push's VAPID key pair (base64url, raw P-256): generated into the data dir on
    # first start when unset (roost.push.vapid).
    vapid_private_key: str = ""
    vapid_public_key: str = ""
    # Media files: a local directory (<data_dir>/media, served at /media/) unless an
    # S3-compatible bucket is set; `media_public_url` is the prefix of their URLs.
    media_s3_endpoint: str = ""
    media_s3_bucket: str = ""
    media_s3_region: str = ""
    media_s3_access_key_id: str = ""
    media_s3_secret_access_key: str = ""
    media_public_url: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        scheme = "https" if self.https else "http"
        return f"{scheme}://{self.domain}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read settings from ROOST_* variables; generate the secret key on first start."""
        e = dict(os.environ) if env is None else env
        data_dir = Path(e.get("ROOST_DATA_DIR", "./var"))
        database_url = e.get("ROOST_DATABASE_URL", "") or f"sqlite:///{data_dir / 'roost.db'}"
        registrations = e.get("ROOST_REGISTRATIONS", "open")
        if registrations not in ("open", "approval", "closed"):
            raise ValueError(
                f"ROOST_REGISTRATIONS must be open, approval or closed, not {registrations!r}"
            )
        domain = e.get("ROOST_DOMAIN", "localhost:8000")
        sqlite_sync = e.get("ROOST_SQLITE_SYNC", "normal").strip().lower() or "normal"
        if sqlite_sync not in ("normal", "full"):
            raise ValueError(f"ROOST_SQLITE_SYNC must be normal or full, not {sqlite_sync!r}")
        log_format = e.get("ROOST_LOG_FORMAT", "auto").strip().lower() or "auto"
        if log_format not in ("auto", "json", "console"):
            raise ValueError(f"ROOST_LOG_FORMAT must be auto, json or console, not {log_format!r}")
        return cls(
            domain=domain,
            data_dir=data_dir,
            database_url=normalise_database_url(database_url),
            redis_url=e.get("ROOST_REDIS_URL") or None,
            redis_prefix=e.get("ROOST_REDIS_PREFIX", "roost:"),
            secret_key=e.get("ROOST_SECRET_KEY", ""),
            registrations=registrations,  # type: ignore[arg-type]  # checked just above
            oauth_password_grant=_bool(e.get("ROOST_OAUTH_PASSWORD_GRANT")),
            max_post_chars=int(e.get("ROOST_MAX_POST_CHARS", "500")),
            https=_bool(e.get("ROOST_HTTPS"), default=not _is_local(domain)),
            title=e.get("ROOST_TITLE", "Roost"),
            contact_email=e.get("ROOST_CONTACT_EMAIL", ""),
            rate_limit_per_5min=int(e.get("ROOST_RATE_LIMIT_PER_5MIN", "300")),
            fanout_threshold=int(e.get("ROOST_FANOUT_THRESHOLD", "250000")),
            inactive_days=int(e.get("ROOST_INACTIVE_DAYS", "30")),
            job_lease=float(e.get("ROOST_JOB_LEASE", "30")),
            fanout_batch=int(e.get("ROOST_FANOUT_BATCH", "1000")),
            in_process_worker=not _bool(e.get("ROOST_NO_WORKER")),
            sqlite_sync=sqlite_sync,  # type: ignore[arg-type]  # checked just above
            signup_limit=_count(e, "ROOST_SIGNUP_LIMIT", 5),
            sign_in_limit=_count(e, "ROOST_SIGN_IN_LIMIT", 10),
            sign_in_account_limit=_count(e, "ROOST_SIGN_IN_ACCOUNT_LIMIT", 25),
            deletion_grace_days=float(e.get("ROOST_DELETION_GRACE_DAYS", "30")),
            trusted_proxies=e.get("ROOST_TRUSTED_PROXIES", "127.0.0.1").strip() or "127.0.0.1",
            backup_dir=Path(e["ROOST_BACKUP_DIR"]) if e.get("ROOST_BACKUP_DIR") else None,
            backup_keep=_positive(e, "ROOST_BACKUP_KEEP", 7),
            backup_interval_hours=_seconds(e, "ROOST_BACKUP_INTERVAL_HOURS", 24.0),
            ready_max_job_lag=_seconds(e, "ROOST_READY_MAX_JOB_LAG", 300.0),
            ready_min_free_mb=_count(e, "ROOST_READY_MIN_FREE_MB", 100),
            log_format=log_format,  # type: ignore[arg-type]  # checked above
            trends_review=_bool(e.get("ROOST_TRENDS_REVIEW")),
            allow_private_network=_bool(e.get("ROOST_ALLOW_PRIVATE_NETWORK")),
            vapid_private_key=e.get("ROOST_VAPID_PRIVATE_KEY", "").strip(),
            vapid_public_key=e.get("ROOST_VAPID_PUBLIC_KEY", "").strip(),
            media_s3_endpoint=e.get("ROOST_MEDIA_S3_ENDPOINT", "").strip(),
            media_s3_bucket=e.get("ROOST_MEDIA_S3_BUCKET", "").strip(),
            media_s3_region=e.get("ROOST_MEDIA_S3_REGION", "").strip(),
            media_s3_access_key_id=e.get("ROOST_MEDIA_S3_ACCESS_KEY_ID", "").strip(),
            media_s3_secret_access_key=e.get("ROOST_MEDIA_S3_SECRET_ACCESS_KEY", "").strip(),
            media_public_url=e.get("ROOST_MEDIA_PUBLIC_URL", "").strip().rstrip("/"),
        )

    def with_secret(self) -> Settings:
        """Return settings with a secret key, generating one into the data dir if unset."""
        if self.secret_key:
            return self
        path = self.data_dir / "secret_key"
        if path.exists():
            return replace(self, secret_key=_read_key(path))
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        try:
            # 0600 from creation: written, then chmod-ed, it would be readable meanwhile.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process (`roost worker`) made it first
            return replace(self, secret_key=_read_key(path))
        with os.fdopen(fd, "w") as file:
            file.write(key + "\n")
        return replace(self, secret_key=key)


def _count(env: dict[str, str], name: str, default: int) -> int:
    """A limit: a whole number, 0 or more (0 turns the limit off)."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(f"{name} must be a whole number (0 turns the limit off), not {raw!r}")
    return int(raw)


def _positive(env: dict[str, str], name: str, default: int) -> int:
    """A whole number, 1 or more."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
        raise ValueError(f"{name} must be a whole number, 1 or more, not {raw!r}")
    return int(raw)


def _seconds(env: dict[str, str], name: str, default: float) -> float:
    """A positive number (a duration)."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{name} must be a positive number, not {raw!r}")
    return value


def _read_key(path: Path) -> str:
    """The key in `path`, waiting a moment for a process that is writing it right now."""
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise ValueError(f"{path} is empty: remove it to have a new secret key made")


def _is_local(domain: str) -> bool:
    host = domain.rsplit(":", 1)[0] if not domain.startswith("[") else domain
    return host in {"localhost", "127.0.0.1", "[::1]"} or host.endswith(".localhost")


def normalise_database_url(url: str) -> str:
    """Map plain URLs to the async drivers Roost uses (aiosqlite, asyncpg)."""
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url
