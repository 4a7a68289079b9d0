"""`roost search reindex` rebuilds the full-text index, reporting its progress."""

from __future__ import annotations

import httpx
import sqlalchemy as sa

from roost.instance import Roost
from roost.search import reindex as reindexing
from tests.conftest import User
from tests.search.test_fulltext import found, post


async def test_reindex_brings_a_lost_index_back(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, monkeypatch: object
) -> None:
    ids = [await post(client, bob, f"Lighthouse number {n}") for n in range(7)]
    await client.post(f"/api/v1/statuses/{ids[0]}/reblog", headers=alice.auth)
    if roost.db.is_sqlite:
        async with roost.db.transaction() as tx:
            await tx.execute(
                sa.text("INSERT INTO status_search(status_search) VALUES('delete-all')")
            )
        assert await found(client, alice, "lighthouse") == []
    seen: list[tuple[int, int]] = []
    setattr(reindexing, "BATCH", 3)  # noqa: B010  (several batches from a few posts)
    try:
        total = await reindexing.reindex(roost.db, lambda done, of: seen.append((done, of)))
    finally:
        setattr(reindexing, "BATCH", 5000)  # noqa: B010
    assert total == 7
    assert seen[0] == (0, 7)
    assert seen[-1] == (7, 7)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert set(await found(client, alice, "lighthouse")) == set(ids)
    # The index still follows writes afterwards.
    later = await post(client, bob, "Lighthouse keeper")
    assert (await found(client, alice, "keeper")) == [later]
