"""/metrics under load: a real `roost serve` (two web processes when Redis is there) is
scraped while a load generator runs, and what it counts matches what the generator
counted, request for request (issue 16)."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import secrets
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.server import Server, roost_server

CLIENTS = 8
SECONDS = 4.0
Key = tuple[str, str, str]  # method, route template, status


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _by_route(text: str, name: str) -> Counter[Key]:
    counted: Counter[Key] = Counter()
    for (sample, labels), value in _samples(text).items():
        if sample == name:
            tags = dict(labels)
            counted[(tags["method"], tags["route"], tags["status"])] += int(value)
    return counted


def _gauge(text: str, name: str, **labels: str) -> float:
    return _samples(text).get((name, frozenset(labels.items())), 0.0)


def _token(server: Server, name: str) -> str:
    server.cli("users", "create", name, "--email", f"{name}@example.com")
    return server.cli("tokens", "create", name, "--scopes", "read write").strip()


async def _load(server: Server, tokens: list[str]) -> tuple[Counter[Key], list[str], int]:
    """Runs CLIENTS clients for SECONDS, each request picked at random, while scraping
    /metrics every half second. Returns what the clients got, by route template, the
    scrapes, and how many posts were acknowledged."""
    got: Counter[Key] = Counter()
    scrapes: list[str] = []
    posts = 0
    stop = time.monotonic() + SECONDS

    async def client(n: int, http: httpx.AsyncClient) -> None:
        nonlocal posts
        auth = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        me = (await http.get("/api/v1/accounts/verify_credentials", headers=auth)).json()["id"]
        got[("GET", "/api/v1/accounts/verify_credentials", "200")] += 1
        rng = random.Random(n)
        while time.monotonic() < stop:
            pick = rng.random()
            if pick < 0.4:
                method, route = "GET", "/api/v1/timelines/home"
                r = await http.get(route, headers=auth)
            elif pick < 0.7:
                method, route = "GET", "/api/v1/accounts/{id}/statuses"
                r = await http.get(f"/api/v1/accounts/{me}/statuses", headers=auth)
            elif pick < 0.9:
                method, route = "POST", "/api/v1/statuses"
                text = f"load {secrets.token_hex(4)}"
                r = await http.post(route, json={"status": text}, headers=auth)
                posts += r.status_code == 200
            else:
                method, route = "GET", "/api/v1/statuses/{id}"
                r = await http.get("/api/v1/statuses/1", headers=auth)  # no such post: 404
            got[(method, route, str(r.status_code))] += 1

    async def scraper(http: httpx.AsyncClient) -> None:
        while time.monotonic() < stop:
            r = await http.get("/metrics")
            assert r.status_code == 200
            scrapes.append(r.text)
            await asyncio.sleep(0.5)

    limits = httpx.Limits(max_connections=CLIENTS + 1)
    async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as http:
        await asyncio.gather(scraper(http), *(client(n, http) for n in range(CLIENTS)))
    return got, scrapes, posts


def test_metrics_match_what_the_load_generator_counted(tmp_path: Path) -> None:
    redis_url = os.environ.get("ROOST_TEST_REDIS_URL")
    env: dict[str, Any] = {"ROOST_RATE_LIMIT_PER_5MIN": "1000000"}
    if redis_url:  # several web processes: their counts must add up
        env |= {"ROOST_REDIS_URL": redis_url, "ROOST_REDIS_PREFIX": f"load{secrets.token_hex(4)}:"}
    with roost_server(tmp_path, workers=2 if redis_url else 1, **env) as server:
        tokens = [_token(server, name) for name in ("ana", "ben", "cy")]
        before = httpx.get(f"{server.url}/metrics").text
        got, scrapes, posts = asyncio.run(_load(server, tokens))
        after = httpx.get(f"{server.url}/metrics").text
        # The queue drains; each acknowledged post's fan-out is counted once as done.
        deadline = time.monotonic() + 30
        while True:
            final = httpx.get(f"{server.url}/metrics").text
            idle = _gauge(final, "roost_jobs_queued", kind="fan_out") == 0
            if idle and _gauge(final, "roost_jobs_running", kind="fan_out") == 0:
                break
            assert time.monotonic() < deadline, "the fan-out jobs did not drain in 30 s"
            time.sleep(0.2)

    assert sum(got.values()) > 100, f"too little load to compare: {got}"
    assert posts > 10
    counted = _by_route(after, "roost_http_requests_total")
    counted.subtract(_by_route(before, "roost_http_requests_total"))
    assert +counted == got
    timed = _by_route(after, "roost_http_request_duration_seconds_count")
    timed.subtract(_by_route(before, "roost_http_request_duration_seconds_count"))
    assert +timed == got
    # Scraped during the run, the counts only grew.
    seen = [_by_route(text, "roost_http_requests_total") for text in [before, *scrapes, after]]
    assert len(seen) >= 5
    for earlier, later in itertools.pairwise(seen):
        assert all(later[key] >= n for key, n in earlier.items())
    done = "roost_jobs_finished_total"
    assert (
        _gauge(final, done, kind="fan_out", outcome="done")
        - _gauge(before, done, kind="fan_out", outcome="done")
        == posts
    )
