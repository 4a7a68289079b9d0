"""A post that went viral: its author reads grouped notifications (`/api/v2/notifications`)
while one of the groups holds 10,000 favourites from 10,000 accounts.

Issue 14 asks that this stays bounded: the page is one group with its count and a sample
of eight accounts, whatever the count. The favourites are written by `notify()` itself, as
favouriting writes them, in transactions of 500.
"""

from __future__ import annotations

from typing import Any

from bench import gen, load, seed
from roost.db import Database
from roost.notifications.actions import notify

FAVOURITES = 10_000
BATCH = 500


async def seed_viral(db: Database, base: str, net: gen.Network, author: int) -> tuple[str, int]:
    """Post as `author`, then have up to FAVOURITES other accounts favourite it (their
    notifications, grouped); the author's token and how many favourited."""
    token = await seed.make_token(db, gen.account_id(author))
    status, answer = load.http("POST", base + "/api/v1/statuses", token, b"status=Going+viral")
    if status != 200:
        raise RuntimeError(f"viral post: posting answered {status}: {str(answer)[:300]}")
    post = int(answer["id"])
    fans = [gen.account_id(u) for u in range(net.size) if u != author][:FAVOURITES]
    for start in range(0, len(fans), BATCH):
        async with db.transaction() as tx:
            for fan in fans[start : start + BATCH]:
                await notify(
                    tx,
                    account_id=gen.account_id(author),
                    from_account_id=fan,
                    type="favourite",
                    status_id=post,
                )
    return token, len(fans)


def check(page: Any, fans: int) -> bool:
    """One group: the favourites, all counted, with a bounded sample."""
    if not isinstance(page, dict) or not page.get("notification_groups"):
        return False
    group = page["notification_groups"][0]
    return bool(
        group["type"] == "favourite"
        and group["notifications_count"] == fans
        and 0 < len(group["sample_account_ids"]) <= 8
    )
