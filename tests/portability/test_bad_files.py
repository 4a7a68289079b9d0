"""Files that cannot be imported are refused whole, with the reason, and nothing is
written; a big import runs in batches whose progress shows."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from roost.graph.tables import account_domain_blocks, follows
from roost.instance import Roost
from roost.portability.imports import BATCH, do_create_import
from roost.portability.parsing import FILE_SIZE_LIMIT, ImportRefused
from roost.portability.queries import access_import
from roost.portability.tables import imports
from tests.conftest import User
from tests.portability.test_round_trip import upload
from tests.web.test_pages import sign_in

FOLLOWS = b"Account address,Show boosts,Notify on new posts,Languages\nbob@testserver,true,false,\n"


async def _count(roost: Roost, table: sa.Table) -> int:
    return int(await roost.db.scalar(sa.select(sa.func.count()).select_from(table)))


@pytest.mark.parametrize(
    ("kind", "data", "reason"),
    [
        ("domain_blocking", FOLLOWS, "not an export of this kind"),
        ("muting", FOLLOWS, "not an export of this kind"),
        ("bookmarks", b"List name,Account address\nx,bob\n", "not an export of this kind"),
        ("following", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not a CSV file"),
        ("following", b'"unclosed,quote\nbob,"x"y\n', "not a valid CSV file"),
        ("blocking", b"\n\n", "empty"),
        ("domain_blocking", b"".join(b"d%d.example\n" % i for i in range(20_001)), "20,000"),
    ],
)
async def test_bad_files_are_refused_with_nothing_written(
    client: httpx.AsyncClient, roost: Roost, alice: User, bob: User, kind: str, data: bytes,
    reason: str,
) -> None:  # fmt: skip
    token = await sign_in(client, alice)
    r = await upload(client, token, kind, data)
    assert r.status_code == 422
    assert "The file was not imported" in r.text
    assert reason in r.text
    assert await _count(roost, imports) == 0
    assert await _count(roost, account_domain_blocks) == 0
    assert await _count(roost, follows) == 0


async def test_too_large_and_unknown_types(roost: Roost, alice: User) -> None:
    big = b"a.example\n" * (FILE_SIZE_LIMIT // 10 + 1)
    with pytest.raises(ImportRefused, match="too large"):
        await do_create_import(roost.db, alice.id, "domain_blocking", big, overwrite=False,
                               filename="big.csv")  # fmt: skip
    with pytest.raises(ImportRefused, match="Unknown import type"):
        await do_create_import(roost.db, alice.id, "statuses", b"x\n", overwrite=False,
                               filename="x.csv")  # fmt: skip
    assert await _count(roost, imports) == 0


async def test_missing_file_or_type(client: httpx.AsyncClient, alice: User) -> None:
    token = await sign_in(client, alice)
    r = await client.post("/settings/import", data={"csrf_token": token, "type": "following"},
                          files={"data": ("", b"", "text/csv")})  # fmt: skip
    assert r.status_code == 422
    assert "Choose a file to import." in r.text
    r = await upload(client, token, "nonsense", FOLLOWS)
    assert r.status_code == 422
    assert "Choose what to import." in r.text


async def test_a_big_import_runs_in_batches_with_progress(roost: Roost, alice: User) -> None:
    rows = 3000
    data = b"".join(b"host%d.example\n" % i for i in range(rows))
    import_id = await do_create_import(roost.db, alice.id, "domain_blocking", data,
                                       overwrite=False, filename="domains.csv")  # fmt: skip
    worker = roost.worker
    assert worker is not None
    assert await worker.run_once() == 1
    shown = await access_import(roost.db, alice.id, import_id)
    assert (shown.state, shown.processed_items, shown.total_items) == ("in_progress", BATCH, rows)
    assert await _count(roost, account_domain_blocks) == BATCH
    await worker.run_pending()
    shown = await access_import(roost.db, alice.id, import_id)
    assert (shown.state, shown.processed_items, shown.imported_items) == ("finished", rows, rows)
    assert shown.failures == []
    assert await _count(roost, account_domain_blocks) == rows

    # Again, in overwrite mode with a smaller file: the others go; nothing is doubled.
    import_id = await do_create_import(roost.db, alice.id, "domain_blocking",
                                       b"#domain\nhost1.example\nHOST2.example\nbad domain\n",
                                       overwrite=True, filename="few.csv")  # fmt: skip
    await worker.run_pending()
    shown = await access_import(roost.db, alice.id, import_id)
    assert (shown.processed_items, shown.imported_items) == (3, 2)
    assert shown.failures[0]["row"] == 3
    assert "not a domain name" in shown.failures[0]["reason"]
    assert set(await roost.db.scalars(sa.select(account_domain_blocks.c.domain))) == {
        "host1.example",
        "host2.example",
    }
