"""A real `roost serve` logging JSON: a request's id on its access line and on the line of
the job it queued, and no token anywhere (issue 16)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.server import roost_server

pytestmark = pytest.mark.e2e


def _lines(log: Path) -> list[dict[str, Any]]:
    # Every line is one JSON object: json.loads fails the test on any other. (A line still
    # being written, after the last newline, is left for the next look.)
    text = log.read_text()
    return [json.loads(line) for line in text[: text.rfind("\n") + 1].splitlines()]


def _wait_for(log: Path, **fields: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while True:
        for line in _lines(log):
            if all(line.get(k) == v for k, v in fields.items()):
                return line
        assert time.monotonic() < deadline, f"no line with {fields} in {log.read_text()}"
        time.sleep(0.1)


def test_a_request_id_follows_a_post_into_its_fan_out(tmp_path: Path) -> None:
    # roost_server sends stdout and stderr to one file; `roost serve` writes nothing to
    # stdout, so this is its stderr, and all of it must be JSON.
    log = tmp_path / "server.log"
    with roost_server(tmp_path, ROOST_LOG_FORMAT="json") as server:
        server.cli(
            "users", "create", "alice", "--email", "alice@example.com", "--password", "pw-12345678"
        )
        token = server.cli("tokens", "create", "alice").strip()
        auth = {"Authorization": f"Bearer {token}"}

        r = httpx.post(f"{server.url}/api/v1/statuses", json={"status": "traced"},
                       headers={**auth, "X-Request-Id": "e2e-req-1"})  # fmt: skip
        assert r.status_code == 200, r.text
        assert r.headers["x-request-id"] == "e2e-req-1"
        access = _wait_for(log, logger="uvicorn.access", method="POST", path="/api/v1/statuses")
        assert (access["request_id"], access["status"]) == ("e2e-req-1", 200)
        job = _wait_for(log, event="job finished", job_kind="fan_out")
        assert (job["request_id"], job["outcome"]) == ("e2e-req-1", "done")
        assert job["duration_ms"] >= 0

        r = httpx.get(f"{server.url}/api/v1/timelines/home?access_token={token}",
                      headers={"X-Request-Id": "not sane!"})  # fmt: skip
        assert r.status_code == 200
        assert [s["content"] for s in r.json()] == ["<p>traced</p>"]
        made = r.headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", made)
        home = _wait_for(log, logger="uvicorn.access", request_id=made)
        assert home["path"] == "/api/v1/timelines/home?access_token=[redacted]"

    lines = _lines(log)  # the shutdown's lines too
    assert token not in log.read_text()
    assert {"uvicorn.error", "uvicorn.access", "roost.worker"} <= {f["logger"] for f in lines}
    for line in lines:
        assert {"timestamp", "level", "logger", "event"} <= line.keys(), line
        assert line["timestamp"].endswith("Z")
