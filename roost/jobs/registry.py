"""Job kinds and their handlers. Domain modules register with `@job("kind")`."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import Any

from roost.jobs.context import JobContext

JobHandler = Callable[[JobContext, dict[str, Any]], Awaitable[None]]
BatchHandler = Callable[[JobContext, list[dict[str, Any]]], Awaitable[None]]
HANDLERS: dict[str, JobHandler] = {}
# Kinds whose consecutive jobs a worker may run in one call (see Worker.run_once).
BATCH_HANDLERS: dict[str, BatchHandler] = {}

# Modules that define handlers; imported once by the worker.
HANDLER_MODULES = (
    "roost.timelines.jobs",
    "roost.lists.jobs",
    "roost.polls.jobs",
    "roost.scheduled.jobs",
    "roost.media.jobs",
    "roost.push.jobs",
    "roost.cards.jobs",
    "roost.portability.jobs",
    "roost.security.jobs",
)


def job(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Register an idempotent handler for `kind` (it may run more than once)."""

    def register(fn: JobHandler) -> JobHandler:
        HANDLERS[kind] = fn
        return fn

    return register


def batch_job(kind: str) -> Callable[[BatchHandler], BatchHandler]:
    """Register a handler that runs several jobs of `kind` at once, with the same effect
    as running each with the `@job` handler (which `kind` must have too)."""

    def register(fn: BatchHandler) -> BatchHandler:
        BATCH_HANDLERS[kind] = fn
        return fn

    return register


def load_handlers() -> dict[str, JobHandler]:
    for module in HANDLER_MODULES:
        importlib.import_module(module)
    return HANDLERS
