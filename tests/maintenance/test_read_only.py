"""Read-only mode (`roost maintenance on|off`): reads go on, writes answer 503."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from roost.instance import Roost
from roost.maintenance.state import DEFAULT_MESSAGE, do_set_maintenance
from tests.api.test_statuses import post
from tests.conftest import User
from tests.e2e.server import roost_server


async def test_writes_wait_and_reads_go_on(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    first = await post(client, alice, "before")
    await do_set_maintenance(roost.db, True, "Upgrading the database")
    assert await roost.maintenance.refresh() == "Upgrading the database"

    r = await client.post("/api/v1/statuses", json={"status": "during"}, headers=alice.auth)
    assert r.status_code == 503
    assert r.json() == {"error": "Upgrading the database"}
    assert r.headers["retry-after"] == "60"
    r = await client.post("/login", data={"username": "alice", "password": "x"})
    assert r.status_code == 503
    assert "Upgrading the database" in r.text
    assert r.headers["content-type"].startswith("text/html")

    r = await client.get(f"/api/v1/accounts/{alice.id}/statuses", headers=alice.auth)
    assert r.status_code == 200
    assert [s["id"] for s in r.json()] == [first["id"]]
    page = await client.get("/public")
    assert page.status_code == 200
    assert 'class="maintenance-banner"' in page.text
    assert "Upgrading the database" in page.text

    await do_set_maintenance(roost.db, False)
    assert await roost.maintenance.refresh() is None
    await post(client, alice, "after")
    assert 'class="maintenance-banner"' not in (await client.get("/public")).text


async def test_a_blank_message_gets_the_default(roost: Roost) -> None:
    await do_set_maintenance(roost.db, True, "  ")
    assert await roost.maintenance.refresh() == DEFAULT_MESSAGE
    await do_set_maintenance(roost.db, False)


def test_the_switch_reaches_a_running_server_from_the_cli(tmp_path: Path) -> None:
    with roost_server(tmp_path) as server:
        server.cli("users", "create", "ada", "--email", "ada@example.com")
        token = server.cli("tokens", "create", "ada", "--scopes", "read write").strip()
        auth = {"Authorization": f"Bearer {token}"}

        def status_of_a_post() -> int:
            r = httpx.post(f"{server.url}/api/v1/statuses", json={"status": "hi"}, headers=auth)
            return r.status_code

        assert status_of_a_post() == 200
        server.cli("maintenance", "on", "--message", "Back at noon")
        deadline = time.monotonic() + 10
        while status_of_a_post() != 503:
            assert time.monotonic() < deadline, "the server never went read-only"
            time.sleep(0.2)
        assert httpx.get(f"{server.url}/api/v1/timelines/home", headers=auth).status_code == 200
        server.cli("maintenance", "off")
        deadline = time.monotonic() + 10
        while status_of_a_post() != 200:
            assert time.monotonic() < deadline, "the server stayed read-only"
            time.sleep(0.2)
