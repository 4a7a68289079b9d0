"""/metrics: request counts and latencies by route template, the job queue's gauges,
streaming connections and the SQLite WAL, in Prometheus's text format."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from roost.db import Database
from roost.http.errors import EXCEPTION_HANDLERS
from roost.http.metrics import RequestMetrics
from roost.instance import Roost
from roost.jobs.queue import Job, enqueue, fail
from roost.monitoring.metrics import render_metrics
from tests.api.test_statuses import post
from tests.conftest import User
from tests.streaming import TIMEOUT, EventSource, serve, until

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def requests(samples: Samples, method: str, route: str, status: int) -> float:
    return value(
        samples, "roost_http_requests_total", method=method, route=route, status=str(status)
    )


def timed(samples: Samples, method: str, route: str, status: int) -> float:
    name = "roost_http_request_duration_seconds_count"
    return value(samples, name, method=method, route=route, status=str(status))


async def test_requests_are_counted_by_route_template(
    client: httpx.AsyncClient, alice: User
) -> None:
    status = await post(client, alice, "counted")
    before = await scrape(client)
    for path in (f"/api/v1/statuses/{status['id']}", f"/api/v1/statuses/{status['id']}/"):
        assert (await client.get(path)).status_code == 200
    assert (await client.get("/api/v1/statuses/12345")).status_code == 404
    await post(client, alice, "also counted")
    assert (await client.get("/no/such/page")).status_code == 404
    after = await scrape(client)

    def delta(method: str, route: str, status: int) -> float:
        return requests(after, method, route, status) - requests(before, method, route, status)

    one = "/api/v1/statuses/{id}"
    assert delta("GET", one, 200) == 2
    assert delta("GET", one, 404) == 1
    assert delta("POST", "/api/v1/statuses", 200) == 1
    assert delta("GET", "unmatched", 404) == 1
    for key in ((m, one, s) for m, s in (("GET", 200), ("GET", 404))):
        assert timed(after, *key) - timed(before, *key) == delta(*key)
    routes = {dict(labels).get("route") for _name, labels in after}
    assert not any(str(status["id"]) in (route or "") for route in routes)


async def test_status_cache_hits_and_misses(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    status = await post(client, alice, "cached")
    await roost.backends.cache.clear()
    before = await scrape(client)
    path = f"/api/v1/statuses/{status['id']}"
    for _ in range(3):
        assert (await client.get(path, headers=alice.auth)).status_code == 200
    after = await scrape(client)
    name = "roost_cache_lookups_total"
    for result, expected in (("miss", 1), ("hit", 2)):
        change = value(after, name, cache="statuses", result=result)
        assert change - value(before, name, cache="statuses", result=result) == expected


async def test_home_reads_are_counted_by_source(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    await post(client, alice, "home")
    await roost.backends.feeds.drop(alice.id)
    before = await scrape(client)
    for _ in range(2):
        response = await client.get("/api/v1/timelines/home", headers=alice.auth)
        assert response.status_code == 200
        assert response.json()
    after = await scrape(client)
    name = "roost_home_feed_reads_total"
    for source, expected in (("rebuilt", 1), ("store", 1), ("sql", 0)):
        assert value(after, name, source=source) - value(before, name, source=source) == expected


async def test_database_pools_are_measured(client: httpx.AsyncClient, alice: User) -> None:
    before = await scrape(client)
    capacity = {
        dict(labels)["pool"]: v
        for (name, labels), v in before.items()
        if name == "roost_db_pool_capacity"
    }
    assert capacity.get("main", 0) > 0
    in_use = {p: value(before, "roost_db_pool_connections_in_use", pool=p) for p in capacity}
    assert all(0 <= n <= capacity[p] for p, n in in_use.items())
    for _ in range(5):
        await post(client, alice, "pooled")
        await client.get("/api/v1/timelines/home", headers=alice.auth)
    after = await scrape(client)
    # Every connection a request took went back: nothing leaks.
    assert {p: value(after, "roost_db_pool_connections_in_use", pool=p) for p in capacity} == in_use


async def test_a_scrape_does_not_count_itself(client: httpx.AsyncClient) -> None:
    await scrape(client)
    samples = await scrape(client)
    assert not any(dict(labels).get("route") == "/metrics" for _name, labels in samples)
    health = requests(samples, "GET", "/health", 200)
    await client.get("/health")
    assert requests(await scrape(client), "GET", "/health", 200) == health + 1


async def test_errors_are_counted_with_the_status_the_client_got() -> None:
    async def outage(request: Request) -> Response:
        raise ConnectionError("the database went away")

    async def bug(request: Request) -> Response:
        raise ValueError("a bug")

    app = Starlette(
        routes=[Route("/outage/{id}", outage), Route("/bug/{id}", bug)],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.add_middleware(RequestMetrics)
    before = parse(generate_latest(REGISTRY).decode())
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/outage/1")).status_code == 503
        assert (await client.get("/bug/1")).status_code == 500
    after = parse(generate_latest(REGISTRY).decode())
    for route, status in (("/outage/{id}", 503), ("/bug/{id}", 500)):
        got = requests(after, "GET", route, status) - requests(before, "GET", route, status)
        assert got == 1, (route, status)


async def test_job_queue_gauges(client: httpx.AsyncClient, roost: Roost, db: Database) -> None:
    samples = await scrape(client)
    assert value(samples, "roost_database_up") == 1
    assert value(samples, "roost_jobs_queued", kind="fan_out") == 0
    assert value(samples, "roost_jobs_dead") == 0
    # Queued through a bare handle: nothing wakes the test client's worker.
    async with db.transaction() as tx:
        await enqueue(tx, "fan_out", {"status_id": 1}, delay=-90)
        await enqueue(tx, "fan_out", {"status_id": 2}, delay=-30)
        await enqueue(tx, "fan_out", {"status_id": 3}, delay=3600)
        await enqueue(tx, "unfan_out", {"status_id": 4})
        dead = await enqueue(tx, "merge", {"x": 1})
    await fail(roost.db, Job(dead, "merge", {"x": 1}, attempts=8), "boom")
    samples = await scrape(client)
    assert value(samples, "roost_jobs_queued", kind="fan_out") == 3
    assert value(samples, "roost_jobs_queued", kind="unfan_out") == 1
    assert 90 <= value(samples, "roost_job_oldest_age_seconds", kind="fan_out") < 150
    assert value(samples, "roost_job_oldest_age_seconds", kind="unfan_out") < 60
    assert value(samples, "roost_jobs_dead") == 1


async def test_finished_jobs_are_counted_by_outcome(
    client: httpx.AsyncClient, roost: Roost, alice: User
) -> None:
    def finished(kind: str, outcome: str) -> float:
        labels = {"kind": kind, "outcome": outcome}
        return REGISTRY.get_sample_value("roost_jobs_finished_total", labels) or 0.0

    fanned, failed = finished("fan_out", "done"), finished("no_such_kind", "retry")
    await post(client, alice, "fanned out by the test client's worker")
    async with roost.db.transaction() as tx:
        await enqueue(tx, "no_such_kind", {})
    assert roost.worker is not None
    await roost.worker.run_pending()
    assert finished("fan_out", "done") == fanned + 1
    assert finished("no_such_kind", "retry") == failed + 1
    samples = await scrape(client)
    assert value(samples, "roost_jobs_finished_total", kind="fan_out", outcome="done") >= 1


async def test_metrics_are_served_while_the_database_is_away() -> None:
    away = Database("postgresql+asyncpg://postgres@127.0.0.1:1/roost")  # nothing listens
    try:
        samples = parse((await render_metrics(away)).decode())
    finally:
        await away.dispose()
    assert value(samples, "roost_database_up") == 0
    assert not any(name.startswith("roost_jobs_queued") for name, _labels in samples)
    assert any(name == "roost_http_requests_total" for name, _labels in samples)


async def test_sqlite_wal_size(client: httpx.AsyncClient, roost: Roost, alice: User) -> None:
    await post(client, alice, "a write for the WAL")
    samples = await scrape(client)
    wal = samples.get(("roost_sqlite_wal_bytes", frozenset()))
    if roost.db.is_sqlite:
        assert wal is not None
        assert wal >= 0
    else:
        assert wal is None


async def test_streaming_connections_are_counted(roost: Roost, alice: User) -> None:
    def connected() -> float:
        return REGISTRY.get_sample_value("roost_streaming_connections") or 0.0

    async with (
        serve(roost) as host,
        httpx.AsyncClient(base_url=f"http://{host}", timeout=TIMEOUT) as http,
    ):
        before = connected()
        async with http.stream("GET", "/api/v1/streaming/user", headers=alice.auth) as response:
            source = EventSource(response)  # held: a dropped one would close the stream
            assert await source.line() == ":)"
            assert connected() == before + 1
            scraped = parse((await http.get("/metrics")).text)
            assert value(scraped, "roost_streaming_connections") == before + 1
        await until(lambda: connected() == before)


COUNT_REQUESTS = """
import asyncio, sys
import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from roost.http.metrics import RequestMetrics
from roost.http.routing import RouteIndex
from roost.monitoring.metrics import STREAMING_CONNECTIONS, process_exiting

async def main() -> None:
    app = Starlette(routes=[Route("/x/{id}", lambda r: PlainTextResponse("x"))])
    app.router.middleware_stack = RouteIndex(app.router)
    app.add_middleware(RequestMetrics)
    STREAMING_CONNECTIONS.inc()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for i in range(int(sys.argv[1])):
            await client.get(f"/x/{i}")

asyncio.run(main())
if sys.argv[2] == "exit cleanly":
    process_exiting()
"""


def test_processes_add_up_in_multiprocess_mode(tmp_path: Path, roost: Roost) -> None:
    """Two processes count requests into PROMETHEUS_MULTIPROC_DIR; a third's scrape adds
    them up (as `roost serve --workers N` processes would). A process that exited cleanly
    no longer counts its streaming connections; one that was killed still does."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for count, end in (("3", "killed"), ("4", "exit cleanly")):
        subprocess.run([sys.executable, "-c", COUNT_REQUESTS, count, end], env=env, check=True)
    render = (
        "import asyncio, sys\n"
        "from roost.db import Database\n"
        "from roost.monitoring.metrics import render_metrics\n"
        "db = Database(sys.argv[1])\n"
        "sys.stdout.write(asyncio.run(render_metrics(db)).decode())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", render, roost.db.url],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    samples = parse(out)
    assert requests(samples, "GET", "/x/{id}", 200) == 7
    assert timed(samples, "GET", "/x/{id}", 200) == 7
    assert value(samples, "roost_streaming_connections") == 1
    assert value(samples, "roost_jobs_dead") == 0


async def test_scheduled_backups_are_measured(roost: Roost, tmp_path: Path) -> None:
    from roost.app import create_app
    from roost.ops.backup import timestamped
    from tests.conftest import variant

    async def scrape_of(instance: Roost) -> Samples:
        app = create_app(instance.settings, instance)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            return await scrape(http)

    assert ("roost_backup_age_seconds", frozenset()) not in await scrape_of(roost)  # off
    async with variant(roost, backup_dir=tmp_path) as instance:
        none_yet = await scrape_of(instance)
        assert value(none_yet, "roost_backup_age_seconds") == float("inf")
        assert value(none_yet, "roost_backup_failing") == 0
        archive = timestamped(tmp_path)
        archive.write_bytes(b"")
        os.utime(archive, (archive.stat().st_atime, archive.stat().st_mtime - 120))
        age = value(await scrape_of(instance), "roost_backup_age_seconds")
        assert 119 < age < 180
