"""Log lines: one JSON object each (or a readable line on a terminal), with the request id
of the request or job they belong to, and never a token or secret."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from roost.app import create_app
from roost.http.request_id import RequestId, sane_request_id
from roost.instance import Roost
from roost.logs import Formatter, configure_logging, redact, request_id
from tests.conftest import User


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/api/v1/streaming?access_token=abc.DEF-1&stream=user",
         "/api/v1/streaming?access_token=[redacted]&stream=user"),
        ("/x?stream=user&ACCESS_TOKEN=abc", "/x?stream=user&ACCESS_TOKEN=[redacted]"),
        ("/cb?code=xyz&state=1", "/cb?code=[redacted]&state=1"),
        ("/t?client_secret=s&password=p&refresh_token=r&token=t",
         "/t?client_secret=[redacted]&password=[redacted]&refresh_token=[redacted]"
         "&token=[redacted]"),
        ('"path": "/s?access_token=abc"', '"path": "/s?access_token=[redacted]"'),
        ("/zip?zipcode=12345&barcode=9", "/zip?zipcode=12345&barcode=9"),
        ("/plain/path", "/plain/path"),
    ],
)  # fmt: skip
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected


def access_record(path: str, status: int = 200) -> logging.LogRecord:
    """A record as uvicorn's access logger makes it."""
    return logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", status), None,
    )  # fmt: skip


def record(msg: str, *args: object, name: str = "roost.test", exc: BaseException | None = None
           ) -> logging.LogRecord:  # fmt: skip
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, exc_info)


def test_a_json_line_has_time_level_logger_and_event() -> None:
    line = Formatter("json").format(record("%d jobs are late", 3))
    assert "\n" not in line
    fields = json.loads(line)
    assert fields["event"] == "3 jobs are late"
    assert (fields["level"], fields["logger"]) == ("warning", "roost.test")
    assert fields["timestamp"].endswith("Z")  # ISO 8601, UTC
    when = datetime.fromisoformat(fields["timestamp"])
    assert when.utcoffset() is not None
    assert abs((datetime.now(UTC) - when).total_seconds()) < 60
    assert "request_id" not in fields  # none is bound


def test_a_json_line_carries_the_bound_request_id_and_extra_fields() -> None:
    token = request_id.set("req-7")
    try:
        rec = record("job finished")
        rec.__dict__.update(duration_ms=1.5, outcome="done")  # as `extra=` does
        fields = json.loads(Formatter("json").format(rec))
    finally:
        request_id.reset(token)
    assert fields["request_id"] == "req-7"
    assert (fields["duration_ms"], fields["outcome"]) == (1.5, "done")


def test_a_traceback_is_the_exception_field_of_the_same_line() -> None:
    try:
        raise RuntimeError("boom while fetching /x?access_token=SECRET1")
    except RuntimeError as exc:
        line = Formatter("json").format(record("unhandled error", exc=exc))
    assert len(line.splitlines()) == 1
    fields = json.loads(line)
    assert fields["event"] == "unhandled error"
    assert fields["exception"].startswith("Traceback (most recent call last)")
    assert "RuntimeError: boom" in fields["exception"]
    assert "SECRET1" not in line
    assert "access_token=[redacted]" in fields["exception"]


def test_uvicorn_access_lines_are_redacted_and_structured() -> None:
    token = request_id.set("abc")
    try:
        line = Formatter("json").format(
            access_record("/api/v1/timelines/home?access_token=SECRET&local=1")
        )
    finally:
        request_id.reset(token)
    assert "SECRET" not in line
    fields = json.loads(line)
    redacted = "/api/v1/timelines/home?access_token=[redacted]&local=1"
    assert fields["event"] == f'127.0.0.1:5000 - "GET {redacted} HTTP/1.1" 200'
    assert fields["path"] == redacted
    assert (fields["method"], fields["status"], fields["request_id"]) == ("GET", 200, "abc")
    assert fields["logger"] == "uvicorn.access"


def test_uvicorn_colour_copies_of_messages_are_dropped() -> None:
    rec = record("Uvicorn running on %s", "http://127.0.0.1:8000", name="uvicorn.error")
    rec.__dict__["color_message"] = "Uvicorn running on \x1b[1m%s\x1b[0m"
    fields = json.loads(Formatter("json").format(rec))
    assert "color_message" not in fields
    assert fields["event"] == "Uvicorn running on http://127.0.0.1:8000"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_auto_is_readable_on_a_terminal_and_json_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stderr", Terminal())
    line = Formatter("auto").format(access_record("/streaming?stream=user&access_token=SECRET"))
    with pytest.raises(ValueError, match="Expecting value"):
        json.loads(line)
    assert ANSI.search(line)  # coloured
    plain = ANSI.sub("", line)
    assert "info" in plain
    assert '"GET /streaming?stream=user&access_token=[redacted] HTTP/1.1" 200' in plain
    assert "SECRET" not in line

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert json.loads(Formatter("auto").format(record("x")))["event"] == "x"
    console = Formatter("console").format(record("not a terminal"))  # asked for: no colours
    assert "not a terminal" in console
    assert not ANSI.search(console)


def test_a_console_traceback_is_plain_text_without_local_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stderr", Terminal())

    def sign_in(password: str) -> None:
        raise RuntimeError("sign-in failed")

    secret = "hunter" + "2"
    try:
        sign_in(secret)
    except RuntimeError as exc:
        text = ANSI.sub("", Formatter("auto").format(record("failed", exc=exc)))
    assert "Traceback (most recent call last)" in text
    assert text.endswith("RuntimeError: sign-in failed")
    assert "hunter2" not in text


@pytest.fixture
def restore_logging() -> Iterator[None]:
    loggers = [logging.getLogger(n) for n in ("", "uvicorn", "uvicorn.error", "uvicorn.access")]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    yield
    for lg, handlers, level, propagate in saved:
        lg.handlers[:] = handlers
        lg.setLevel(level)
        lg.propagate = propagate
    logging.captureWarnings(False)


@pytest.mark.usefixtures("restore_logging")
def test_configure_logging_renders_every_logger_as_json_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("json")
    logging.getLogger("roost.worker").info("worker %s started", "w1")
    logging.getLogger("sqlalchemy.pool").warning("pool overflow")
    logging.getLogger("uvicorn.access").handle(access_record("/x?code=SECRET"))
    out, err = capsys.readouterr()
    assert out == ""
    lines = [json.loads(line) for line in err.splitlines()]
    assert [(f["logger"], f["event"]) for f in lines] == [
        ("roost.worker", "worker w1 started"),
        ("sqlalchemy.pool", "pool overflow"),
        ("uvicorn.access", '127.0.0.1:5000 - "GET /x?code=[redacted] HTTP/1.1" 200'),
    ]
    assert "SECRET" not in err


@pytest.mark.parametrize(
    "given", [b"e2e-req-1", b"A.b_c-9", b"x" * 64, b"0f0e8c1c-7a4b-4a4e-9a1b-1c2d3e4f5a6b"]
)
def test_a_sane_request_id_is_kept(given: bytes) -> None:
    assert sane_request_id(given) == given.decode()


@pytest.mark.parametrize(
    "given",
    [None, b"", b"x" * 65, b"has space", b"new\nline", b"quote\"", b"semi;colon",
     "caf\u00e9".encode(), b"\xff", b"a/b", b"{json}"],
)  # fmt: skip
def test_any_other_request_id_is_replaced_by_a_new_one(given: bytes | None) -> None:
    made = sane_request_id(given)
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert sane_request_id(given) != made


@pytest.fixture
def worker_lines() -> Iterator[io.StringIO]:
    """What roost.worker logs meanwhile, as JSON lines."""
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(Formatter("json"))
    log = logging.getLogger("roost.worker")
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    yield lines
    log.removeHandler(handler)
    log.setLevel(level)


def finished_jobs(lines: io.StringIO) -> list[dict[str, Any]]:
    fields = [json.loads(line) for line in lines.getvalue().splitlines()]
    return [f for f in fields if f["event"] == "job finished"]


async def test_a_request_id_is_answered_and_follows_the_request_into_its_job(
    client: httpx.AsyncClient, alice: User, worker_lines: io.StringIO
) -> None:
    r = await client.post(  # the client runs the queued jobs after the response
        "/api/v1/statuses",
        json={"status": "hello"},
        headers={**alice.auth, "X-Request-Id": "test-req-1"},
    )
    assert r.status_code == 200, r.text
    assert r.headers["x-request-id"] == "test-req-1"
    finished = finished_jobs(worker_lines)
    assert [(f["job_kind"], f["outcome"], f["request_id"]) for f in finished] == [
        ("fan_out", "done", "test-req-1")
    ]
    assert isinstance(finished[0]["job_id"], int)
    assert finished[0]["duration_ms"] >= 0
    assert request_id.get() is None  # nothing outlives the request

    r = await client.get("/api/v1/timelines/home", headers={**alice.auth, "X-Request-Id": "no!"})
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])
    assert [s["content"] for s in r.json()] == ["<p>hello</p>"]


async def test_jobs_run_together_keep_their_own_request_ids(
    roost: Roost, alice: User, worker_lines: io.StringIO
) -> None:
    transport = httpx.ASGITransport(app=create_app(roost.settings, roost))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        for rid in ("post-1", "post-2"):
            r = await c.post("/api/v1/statuses", json={"status": rid},
                             headers={**alice.auth, "X-Request-Id": rid})  # fmt: skip
            assert r.status_code == 200, r.text
    assert roost.worker is not None
    assert await roost.worker.run_pending() == 2  # one claim: fan_out's batch handler
    finished = finished_jobs(worker_lines)
    assert sorted((f["job_kind"], f["request_id"]) for f in finished) == [
        ("fan_out", "post-1"), ("fan_out", "post-2")
    ]  # fmt: skip
    assert request_id.get() is None


async def test_an_unhandled_error_is_answered_and_logged_with_the_request_id() -> None:
    """The 500 is answered (and logged, as uvicorn's traceback is) outside the middleware."""
    seen: list[str | None] = []

    async def boom(request: Request) -> Response:
        raise RuntimeError("boom")

    async def server_error(request: Request, exc: Exception) -> Response:
        seen.append(request_id.get())
        return PlainTextResponse("error", 500)

    app = Starlette(routes=[Route("/boom", boom)], middleware=[Middleware(RequestId)],
                    exception_handlers={Exception: server_error})  # fmt: skip
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        r = await c.get("/boom", headers={"X-Request-Id": "req-500"})
    request_id.set(None)  # in-process, this task served the request
    assert r.status_code == 500
    assert seen == ["req-500"]
