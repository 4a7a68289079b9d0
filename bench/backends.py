"""Throwaway instances to benchmark: a SQLite file, or a fresh PostgreSQL database plus a
unique Redis key prefix. Both are removed afterwards (unless --keep)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.gen import DOMAIN
from roost.config import Settings

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
RATE_LIMIT = "1000000000"  # the benchmark's single token would trip any real limit


@dataclass
class Instance:
    name: str  # "sqlite" | "postgres+redis"
    env: dict[str, str]  # ROOST_* variables for `roost serve`
    settings: Settings
    cleanup: Callable[[], Awaitable[None]]
    info: dict[str, Any] = field(default_factory=dict)


def _env(
    data_dir: Path, database_url: str, redis_url: str = "", prefix: str = ""
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    env.update(
        ROOST_DOMAIN=DOMAIN,
        ROOST_DATA_DIR=str(data_dir),
        ROOST_DATABASE_URL=database_url,
        ROOST_SECRET_KEY="bench-secret-key-not-for-production-0123456789abcdef",
        ROOST_RATE_LIMIT_PER_5MIN=RATE_LIMIT,
        ROOST_FANOUT_THRESHOLD="250000",
    )
    if redis_url:
        env.update(ROOST_REDIS_URL=redis_url, ROOST_REDIS_PREFIX=prefix)
    return env


async def sqlite_instance(work: Path, stamp: str, keep: bool) -> Instance:
    data_dir = work / f"sqlite-{stamp}"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = _env(data_dir, f"sqlite:///{data_dir / 'roost.db'}")

    async def cleanup() -> None:
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)

    import sqlite3

    return Instance(
        "sqlite", env, Settings.from_env(env), cleanup, {"sqlite": sqlite3.sqlite_version}
    )


async def postgres_instance(work: Path, stamp: str, keep: bool) -> Instance:
    import asyncpg  # type: ignore[import-untyped]  # no stubs; two admin statements
    from redis.asyncio import Redis

    from roost.redis_client import delete_prefixed

    name = f"roost_bench_{stamp}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
        pg_version = await admin.fetchval("SHOW server_version")
    finally:
        await admin.close()
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    prefix = f"roost-bench-{stamp}:"
    data_dir = work / f"pg-{stamp}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _env(data_dir, f"{base}/{name}", REDIS_URL, prefix)
    redis = Redis.from_url(REDIS_URL)
    redis_version = (await redis.info("server")).get("redis_version", "?")
    await redis.aclose()

    async def cleanup() -> None:
        shutil.rmtree(data_dir, ignore_errors=True)
        if keep:
            return
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
        client = Redis.from_url(REDIS_URL)
        await delete_prefixed(client, prefix)
        await client.aclose()

    return Instance(
        "postgres+redis",
        env,
        Settings.from_env(env),
        cleanup,
        {
            "postgresql": pg_version,
            "redis": redis_version,
            "database": name,
            "redis_prefix": prefix,
        },
    )
