"""Secrets in query strings never reach a log line (the access log included)."""

from __future__ import annotations

import logging
import logging.config

import pytest

from roost.logs import RedactSecrets, redact, uvicorn_log_config


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
        ("/zip?zipcode=12345&barcode=9", "/zip?zipcode=12345&barcode=9"),
        ("/plain/path", "/plain/path"),
    ],
)  # fmt: skip
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_uvicorn_access_lines_are_redacted() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/timelines/home?access_token=SECRET", "1.1", 200),
        None,
    )  # fmt: skip
    assert RedactSecrets().filter(record)
    assert "SECRET" not in record.getMessage()
    assert "access_token=[redacted]" in record.getMessage()


def test_every_uvicorn_handler_redacts() -> None:
    config = uvicorn_log_config()
    assert config["handlers"]
    for handler in config["handlers"].values():
        assert handler["filters"] == ["redact_secrets"]
    logging.config.dictConfig({**config, "loggers": {}})  # the filter's factory resolves
