"""What durability costs: posts per second on SQLite with `PRAGMA synchronous` NORMAL and
FULL (`ROOST_SQLITE_SYNC`).

`python -m bench.durability [--posts 1000] [--rounds 3] [--dir DIR]` posts N statuses one
after the other through `do_post_status` (one transaction each, as the API does) into a
fresh database in DIR, once per setting and round, and prints the best round's posts/s
for each. DIR decides what is measured: put it on the disk the data dir will live on
(a tmpfs makes fsync free).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from roost.accounts.passwords import use_fast_hashing
from roost.accounts.registration import do_create_account
from roost.config import normalise_database_url
from roost.db import Database
from roost.db.migrate import upgrade
from roost.statuses.posting import NewStatus, do_post_status


def _synchronous(db: Database, level: str) -> None:
    """Every connection of `db` with `PRAGMA synchronous=<level>`, set after Roost's own
    pragmas (listeners run in the order they were added)."""

    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA synchronous={level}")

    for engine in db.connections.sync_engines():
        event.listen(engine, "connect", on_connect)


async def posts_per_second(directory: Path, level: str, posts: int) -> float:
    url = normalise_database_url(f"sqlite:///{directory / f'{level}.db'}")
    await upgrade(url)
    db = Database(url)
    _synchronous(db, level)
    try:
        account = await do_create_account(
            db, username="poster", email="poster@example.com", password="password123"
        )
        check = await db.scalar(sa.text("PRAGMA synchronous"))
        assert check == {"NORMAL": 1, "FULL": 2}[level], check
        started = time.perf_counter()
        for i in range(posts):
            await do_post_status(
                db,
                account.id,
                NewStatus(text=f"post number {i} #bench"),
                base_url="http://localhost",
                max_chars=500,
            )
        return posts / (time.perf_counter() - started)
    finally:
        await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="where the databases go")
    args = parser.parse_args()
    use_fast_hashing()
    best: dict[str, float] = {}
    for round_ in range(args.rounds):
        for level in ("NORMAL", "FULL"):
            with tempfile.TemporaryDirectory(dir=args.dir, prefix="roost-sync-") as tmp:
                rate = await posts_per_second(Path(tmp), level, args.posts)
            print(f"round {round_ + 1}: synchronous={level}: {rate:.0f} posts/s")
            best[level] = max(best.get(level, 0.0), rate)
    for level, rate in best.items():
        print(f"best of {args.rounds}: synchronous={level}: {rate:.0f} posts/s "
              f"({rate / best['NORMAL']:.0%} of NORMAL)")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
