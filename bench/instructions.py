"""Instructions per request of the home timeline, an account's timeline and a post,
counted by callgrind: unlike req/s on a shared machine, the same for the same code.

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.%p \\
        .venv/bin/python -m bench.instructions [N]
    grep -H '^summary:' /tmp/cg.*.[123]     # home, account, post: N requests each

Seeds 30 accounts on a fresh SQLite file (one follows the others, 5 posts each), then
turns callgrind's counting on only around N requests of each kind, through the ASGI app
(no network, no worker). Divide each dump's total by N. With `--rich`, half the seeded
posts carry a poll and the others quote another post (pages with polls and quotes)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from roost.accounts.passwords import use_fast_hashing
from roost.accounts.registration import do_create_account
from roost.app import create_app
from roost.config import Settings, normalise_database_url
from roost.db.migrate import upgrade
from roost.instance import Roost
from roost.jobs.worker import Worker
from roost.oauth.actions import do_create_token
from roost.statuses.render import MARKER_TTL

USERS = 30


def _callgrind(*args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(os.getpid())], check=True, capture_output=True)


async def main(n: int, rich: bool = False) -> None:
    use_fast_hashing()
    tmp = Path(tempfile.mkdtemp())
    url = normalise_database_url(f"sqlite:///{tmp / 'roost.db'}")
    settings = Settings(domain="bench", data_dir=tmp, database_url=url, secret_key="x",
                        rate_limit_per_5min=10**9, in_process_worker=False)  # fmt: skip
    await upgrade(url)
    roost = Roost(settings)
    roost.worker = Worker(roost)
    users: list[tuple[int, dict[str, str]]] = []
    for i in range(USERS):
        account = await do_create_account(
            roost.db, username=f"u{i}", email=f"u{i}@example.com", password="password123"
        )
        token = await do_create_token(roost.db, account_id=account.id, app_id=None,
                                      scopes="read write follow")  # fmt: skip
        users.append((account.id, {"Authorization": f"Bearer {token.access_token}"}))
    transport = httpx.ASGITransport(app=create_app(settings, roost))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as c:
        me = users[0][1]
        for account_id, _ in users[1:]:
            await c.post(f"/api/v1/accounts/{account_id}/follow", headers=me)
        last: str | None = None
        for j in range(5):
            for account_id, auth in users[1:]:
                text = f"post {j} by {account_id} #tag https://example.com/{j} @u0"
                body: dict[str, object] = {"status": text}
                if rich and account_id % 2:  # --rich: half the posts have polls
                    body["poll"] = {"options": ["yes", "no", "maybe"], "expires_in": 86400}
                elif rich and last is not None:  # and the others quote the post before
                    body["quoted_status_id"] = last
                r = await c.post("/api/v1/statuses", json=body, headers=auth)
                last = r.json()["id"]
        await roost.worker.run_pending()
        if rich:  # a quote drops its quoted post's cached rendering for MARKER_TTL seconds
            await asyncio.sleep(MARKER_TTL + 1)
        other = users[1][0]
        for _ in range(5):  # warm the caches
            await c.get("/api/v1/timelines/home", headers=me)
            await c.get(f"/api/v1/accounts/{other}/statuses", headers=me)
        _callgrind("-i", "on")
        for _ in range(n):
            assert len((await c.get("/api/v1/timelines/home", headers=me)).json()) == 20
        _callgrind("-d", "home")
        for _ in range(n):
            await c.get(f"/api/v1/accounts/{other}/statuses", headers=me)
        _callgrind("-d", "account")
        for k in range(n):
            text = f"measured {k} #tag @u1 https://example.com/m{k}"
            assert (await c.post("/api/v1/statuses", json={"status": text}, headers=me)).is_success
        _callgrind("-d", "post")
        _callgrind("-i", "off")
    await roost.close()
    await roost.db.dispose()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--rich"]
    asyncio.run(main(int(args[0]) if args else 100, rich="--rich" in sys.argv))
