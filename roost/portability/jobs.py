"""The jobs of imports and archives."""

from __future__ import annotations

import logging
from typing import Any

from roost.jobs.context import JobContext
from roost.jobs.registry import job
from roost.media.backends import storage_of
from roost.portability.archive import (
    ARCHIVE_JOB,
    EXPIRE_JOB,
    build_archive,
    expire_archive,
    mark_failed,
)
from roost.portability.imports import IMPORT_JOB, run_import

log = logging.getLogger("roost.portability")


@job(IMPORT_JOB)
async def import_batch(context: JobContext, payload: dict[str, Any]) -> None:
    """One batch of an import's rows; the next batch is queued with its progress."""
    await run_import(context.db, int(payload["import"]), context.settings.domain)


@job(ARCHIVE_JOB)
async def make_archive(context: JobContext, payload: dict[str, Any]) -> None:
    """Make an archive. Should that fail, the archive says so and another may be asked
    for at once (a failed one does not count against the 6 days); a worker that dies
    while making it leaves it pending, and the job runs again after its lease."""
    archive_id = int(payload["archive"])
    try:
        await build_archive(context.db, storage_of(context), archive_id, context.settings.base_url)
    except Exception as exc:
        log.exception("archive %d could not be made", archive_id)
        await mark_failed(context.db, archive_id, f"{type(exc).__name__}: {exc}")


@job(EXPIRE_JOB)
async def remove_archive(context: JobContext, payload: dict[str, Any]) -> None:
    await expire_archive(context.db, storage_of(context), int(payload["archive"]))
