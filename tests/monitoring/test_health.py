"""/health, /health/live and /health/ready, and the readiness checks behind them."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from roost.app import create_app
from roost.db import Database
from roost.instance import Roost
from roost.jobs.queue import enqueue
from roost.monitoring.health import Limits, check_disk, check_job_queue, readiness
from tests.conftest import variant


async def test_health_answers_ok_as_plain_text(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.text == "OK"
    assert response.headers["content-type"].startswith("text/plain")


async def test_live_answers_while_the_process_runs(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_reports_every_check(client: httpx.AsyncClient, roost: Roost) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    expected = {"database", "job_queue", "disk"}
    if roost.settings.redis_url:
        expected.add("redis")
    assert set(body["checks"]) == expected
    for check in body["checks"].values():
        assert check["ok"] is True
        assert check["detail"]
    assert body["checks"]["job_queue"]["detail"] == "no job is waiting"


async def test_ready_fails_when_a_due_job_waits_too_long(
    client: httpx.AsyncClient, roost: Roost, db: Database
) -> None:
    # Queued through a bare handle: no worker is woken, as when every worker is down.
    async with db.transaction() as tx:
        await enqueue(tx, "fan_out", {"status_id": 1}, delay=-600)
    response = await client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    queue = body["checks"]["job_queue"]
    assert queue["ok"] is False
    assert "fan_out" in queue["detail"]
    assert "workers" in queue["detail"]
    assert body["checks"]["database"]["ok"] is True


async def test_ready_limits_come_from_the_settings(
    roost: Roost, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A petabyte disk with a terabyte free: 0.1%, below 1%, yet far above 100 MB.
    usage = shutil._ntuple_diskusage(10**15, 10**15 - 10**12, 10**12)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage)
    async with db.transaction() as tx:
        await enqueue(tx, "fan_out", {"status_id": 1}, delay=-120)
    strict = {"ready_max_job_lag": 60.0, "ready_min_free_mb": 10**7}  # 10 TB
    async with (
        variant(roost) as default,
        variant(roost, **strict) as strict_one,
    ):
        for instance, expected in ((default, 200), (strict_one, 503)):
            app = create_app(instance.settings, instance)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                response = await http.get("/health/ready")
            assert response.status_code == expected
    checks = response.json()["checks"]
    assert checks["job_queue"]["ok"] is False
    assert checks["disk"]["ok"] is False


async def test_job_queue_check_counts_due_jobs_only(roost: Roost, db: Database) -> None:
    async with db.transaction() as tx:
        await enqueue(tx, "fan_out", {"status_id": 1}, delay=3600)  # not due yet
    check = await check_job_queue(roost.db, max_lag=300)
    assert check.ok
    assert check.detail.startswith("1 jobs queued")
    async with db.transaction() as tx:
        await enqueue(tx, "unfan_out", {"status_id": 1}, delay=-120)
    assert (await check_job_queue(roost.db, max_lag=300)).ok
    late = await check_job_queue(roost.db, max_lag=60)
    assert not late.ok
    assert "(unfan_out) has waited 12" in late.detail


def test_disk_check_fails_below_the_free_space_floor(tmp_path: Path) -> None:
    assert check_disk(tmp_path, Limits()).ok
    full = check_disk(tmp_path, Limits(min_free_fraction=1.0, min_free_bytes=2**62))
    assert not full.ok
    assert str(tmp_path) in full.detail
    assert "writes will soon fail" in full.detail


def test_disk_check_measures_a_data_dir_not_made_yet(tmp_path: Path) -> None:
    check = check_disk(tmp_path / "not" / "yet", Limits())
    assert check.ok
    assert "free of" in check.detail


async def test_readiness_names_an_unreachable_redis(roost: Roost) -> None:
    async with variant(roost, redis_url="redis://127.0.0.1:1/0") as other:
        checks = await readiness(other.db, other.settings.data_dir, other.backends.redis)
    assert checks["database"].ok
    assert not checks["redis"].ok
    assert checks["redis"].detail.startswith("Redis could not be reached")


async def test_health_is_not_rate_limited(roost: Roost) -> None:
    from roost.app import create_app

    async with variant(roost, rate_limit_per_5min=1) as limited:
        app = create_app(limited.settings, limited)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            assert (await c.get("/api/v1/instance")).status_code == 200
            assert (await c.get("/api/v1/instance")).status_code == 429
            for path in ("/health", "/health/live", "/health/ready", "/health", "/health/"):
                response = await c.get(path)
                assert response.status_code == 200, path
                assert "X-RateLimit-Limit" not in response.headers


@pytest.mark.parametrize("path", ["/health", "/health/live", "/health/ready"])
async def test_health_needs_no_token(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 200
