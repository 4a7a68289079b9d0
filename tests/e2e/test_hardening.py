"""Issue 12 against a real `roost serve`: schemathesis over every operation of
/api/openapi.json finds no server error and no response off its schema; the data dir is the
owner's alone; tokens in query strings stay out of the logs."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.server import Server, roost_server

pytestmark = pytest.mark.e2e
SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
# Per operation: 61 operations x 50 (and the coverage and stateful phases) ran in ~30 s
# on 2 cores.
MAX_EXAMPLES = int(os.environ.get("ROOST_FUZZ_EXAMPLES", "50"))
SEED = os.environ.get("ROOST_FUZZ_SEED", "20241203")  # fixed, so CI runs repeat


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with roost_server(
        tmp_path_factory.mktemp("hardening"),
        ROOST_RATE_LIMIT_PER_5MIN="100000000",
        ROOST_LOG_FORMAT="json",
    ) as s:
        yield s


def log_of(server: Server) -> str:
    return (Path(server.env["ROOST_DATA_DIR"]).parent / "server.log").read_text()


def token(server: Server, name: str) -> str:
    server.cli("users", "create", name, "--email", f"{name}@example.com")
    return server.cli("tokens", "create", name).strip()


def seed(server: Server, tokens: dict[str, str]) -> dict[str, list[str]]:
    """Posts, follows and notifications, so that fuzzed requests also meet real ids."""
    bob = {"Authorization": f"Bearer {tokens['bob']}"}
    ana = {"Authorization": f"Bearer {tokens['ana']}"}
    with httpx.Client(base_url=server.url) as c:
        ids = {name: c.get(f"/api/v1/accounts/lookup?acct={name}").json()["id"] for name in tokens}
        statuses = [
            c.post("/api/v1/statuses", json={"status": text, "visibility": vis}, headers=who).json()
            for text, vis, who in [
                ("public #tag @ana", "public", bob),
                ("followers only", "private", bob),
                ("for @ana only", "direct", bob),
                ("ana's own", "public", ana),
                ("unlisted", "unlisted", ana),
            ]
        ]
        c.post(f"/api/v1/accounts/{ids['bob']}/follow", headers=ana)
        c.post(f"/api/v1/accounts/{ids['ana']}/follow", headers=bob)
        c.post(f"/api/v1/statuses/{statuses[3]['id']}/favourite", headers=bob)
        notifications = c.get("/api/v1/notifications", headers=ana).json()
    return {
        "accounts": list(ids.values()),
        "statuses": [s["id"] for s in statuses],
        "notifications": [n["id"] for n in notifications],
    }


@pytest.mark.timeout(400)
def test_schemathesis_finds_no_server_error_nor_schema_violation(
    server: Server, tmp_path: Path
) -> None:
    tokens = {name: token(server, name) for name in ("ana", "bob", "cyd")}
    known = seed(server, tokens)
    # Half the generated path ids are ones that exist, so handlers past the lookup run too.
    every = known["accounts"] + known["statuses"] + known["notifications"]
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        f"[dictionaries.ids]\nvalues = {json.dumps(every)}\n"
        "[parameters]\n"
        '"path.id" = { dictionary = "ids", probability = 0.5 }\n'
        '"path.account_id" = { dictionary = "ids", probability = 0.5 }\n'
    )
    done = subprocess.run(
        [
            SCHEMATHESIS, "--config-file", str(config), "--no-color", "run",
            f"{server.url}/api/openapi.json",
            "--header", f"Authorization: Bearer {tokens['ana']}",
            "--checks", "not_a_server_error,response_schema_conformance",
            "--max-examples", str(MAX_EXAMPLES),
            "--seed", SEED,
            "--workers", "2",
            "--generation-database", "none",
            "--request-timeout", "10",
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=360, check=False,
    )  # fmt: skip
    summary = done.stdout[-6000:]
    assert done.returncode == 0, summary
    found = re.search(r"(\d+) generated, (\d+) passed", done.stdout)
    assert found, summary
    assert found[1] == found[2], summary
    assert int(found[1]) > 1000, summary
    operations = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", done.stdout)
    assert operations, summary
    assert operations[1] == operations[2] == operations[3], summary  # every operation ran
    lines = [json.loads(line) for line in log_of(server).splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "uvicorn.access"]
    assert len(access) > 1000, "the access log is read (JSON lines, ROOST_LOG_FORMAT)"
    errors = [line for line in access if int(line["status"]) >= 500]
    assert not errors, f"the server answered a 5xx: {errors[:3]}"
    assert not [line for line in lines if "unhandled error" in line.get("event", "")]


def test_data_files_are_the_owners_alone(server: Server) -> None:
    """#8: the data dir was 0755, the database and its WAL files 0644."""
    data = Path(server.env["ROOST_DATA_DIR"])
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    names = ["secret_key"]
    if not os.environ.get("ROOST_TEST_DATABASE_URL"):
        names += ["server.db", "server.db-wal", "server.db-shm"]
    for name in names:
        found = [p for p in (data, data.parent) if (p / name).exists()]
        assert found, name
        assert stat.S_IMODE((found[0] / name).stat().st_mode) == 0o600, name


def test_tokens_in_query_strings_stay_out_of_the_log(server: Server) -> None:
    """#9: `?access_token=` landed in the access log in full."""
    secret = token(server, "dee")
    with httpx.Client(base_url=server.url) as c:
        assert c.get(f"/api/v1/timelines/home?access_token={secret}&limit=1").status_code == 200
        c.get(f"/api/v1/accounts/verify_credentials?limit=2&access_token={secret}")
        c.get("/oauth/authorize?response_type=code&client_id=x&code=CODE123&password=PW456")
    log = log_of(server)
    assert "/api/v1/timelines/home?access_token=[redacted]&limit=1" in log
    for leaked in (secret, "CODE123", "PW456"):
        assert leaked not in log
