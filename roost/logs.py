"""Logging: one structured line per event, with the request it belongs to, and no token or
secret in it.

Roost's modules, uvicorn and SQLAlchemy all log through the standard library; every record
is rendered by structlog's ProcessorFormatter: one JSON object per line (`ROOST_LOG_FORMAT=
json`), or a readable line on a terminal (`console`; `auto` picks by whether stderr is one).

Clients put tokens in query strings (`?access_token=` on streaming, Mastodon's web sign-in
`?code=`), and uvicorn's access log, like its WebSocket lines, prints the whole query: every
rendered field (the message, a traceback) is redacted.
"""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar
from typing import Any

import structlog
from structlog.typing import EventDict, Processor

SECRET_PARAMS = ("access_token", "refresh_token", "token", "code", "client_secret", "password")
_SECRET_VALUE = re.compile(rf"(?i)([?&;](?:{'|'.join(SECRET_PARAMS)})=)[^&;\s\"]*")

# The request being served (roost.http.request_id), or whose job is running (jobs record it
# when queued): every line logged meanwhile carries it as `request_id`.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def redact(text: str) -> str:
    """`text` with the values of secret query parameters replaced by `[redacted]`."""
    return _SECRET_VALUE.sub(r"\1[redacted]", text) if "=" in text else text


def _add_request_id(_: Any, __: str, event: EventDict) -> EventDict:
    rid = request_id.get()
    if rid is not None:
        event["request_id"] = rid
    return event


_ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")


def _access_fields(_: Any, __: str, event: EventDict) -> EventDict:
    """uvicorn's access line (`client - "METHOD path HTTP/v" status`) as fields as well."""
    args = event.pop("positional_args", ())
    if event["_record"].name == "uvicorn.access" and len(args) == len(_ACCESS_FIELDS):
        event.update(zip(_ACCESS_FIELDS, args, strict=True))
    event.pop("color_message", None)  # uvicorn's copy of a message with terminal colours
    return event


_add_extra = structlog.stdlib.ExtraAdder()  # `log.info(..., extra={...})` fields
_PRE_CHAIN: tuple[Processor, ...] = (
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    _add_request_id,
    structlog.contextvars.merge_contextvars,  # job_id, job_kind... (roost.jobs.worker)
    _add_extra,
    _access_fields,
)


def _redact_fields(_: Any, __: str, event: EventDict) -> EventDict:
    # Before rendering: JSON's escapes (`\"`) or the console's quotes and colours cannot end
    # up inside a redaction.
    for key, value in event.items():
        if isinstance(value, str) and "=" in value:
            event[key] = redact(value)
    return event


def _use_console(fmt: str) -> bool:
    return fmt == "console" or (fmt == "auto" and sys.stderr.isatty())


class Formatter(structlog.stdlib.ProcessorFormatter):
    """Renders any standard-library record as JSON or for the console (`fmt`: auto, json or
    console, as `ROOST_LOG_FORMAT`), with secret query parameters redacted in every field
    (a traceback's too)."""

    def __init__(self, fmt: str = "auto") -> None:
        renderer: Processor
        if _use_console(fmt):
            renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
        else:
            renderer = structlog.processors.JSONRenderer()
        super().__init__(
            foreign_pre_chain=_PRE_CHAIN,
            pass_foreign_args=True,  # for `_access_fields`
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                # A traceback as text, in the same line (JSON) or under it (console); never
                # a pretty one showing local variables, which may hold secrets.
                structlog.processors.format_exc_info,
                _redact_fields,
                renderer,
            ],
        )


def process_formatter(fmt: str) -> Formatter:
    """`log_config`'s formatter factory, which every process applying it calls (uvicorn's
    `--workers` processes too): Python's warnings (a library's DeprecationWarning) become
    log lines there as well, instead of plain text among the JSON."""
    logging.captureWarnings(True)
    return Formatter(fmt)


def log_config(fmt: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` that sends every logger's records at INFO and above to
    stderr through `Formatter`. uvicorn's loggers propagate to it. `roost serve` gives it to
    uvicorn (`log_config`), which applies it in each of its `--workers` processes too."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"roost": {"()": "roost.logs.process_formatter", "fmt": fmt}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "roost",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": "INFO"},
        "loggers": {
            name: {"handlers": [], "level": "INFO", "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def configure_logging(fmt: str) -> None:
    """Route every logger of this process through `Formatter` (`roost serve`, `roost
    worker`)."""
    import logging.config

    logging.config.dictConfig(log_config(fmt))
