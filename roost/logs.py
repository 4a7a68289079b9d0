"""Logging: no token or secret reaches a log line.

Clients put tokens in query strings (`?access_token=` on streaming, Mastodon's web sign-in
`?code=`), and uvicorn's access log, like its WebSocket lines, prints the whole query.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

SECRET_PARAMS = ("access_token", "refresh_token", "token", "code", "client_secret", "password")
_SECRET_VALUE = re.compile(rf"(?i)([?&;](?:{'|'.join(SECRET_PARAMS)})=)[^&;\s\"]*")


def redact(text: str) -> str:
    """`text` with the values of secret query parameters replaced by `[redacted]`."""
    return _SECRET_VALUE.sub(r"\1[redacted]", text) if "=" in text else text


class RedactSecrets(logging.Filter):
    """Redacts secret query parameters in a record's message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's default logging, with secrets redacted on every handler (access and error
    logs alike). A dict config, so that each `--workers` process applies it too."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact_secrets": {"()": "roost.logs.RedactSecrets"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact_secrets"]
    return config
