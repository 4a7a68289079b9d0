"""Telling a database that is away, or a disk that is full, from other errors."""

from __future__ import annotations

import errno
import sqlite3

import sqlalchemy as sa

DATABASE_AWAY = "The database cannot be reached right now; try again in a moment"
DISK_FULL = "The server's disk is full, so nothing could be saved; try again later"
_SQLITE_FULL = ("database or disk is full", "disk i/o error")


def outage_of(exc: BaseException) -> str | None:
    """What to tell the client when `exc` (or what caused it) says the database is away
    or its disk is full: a request that failed so can be tried again later, and nothing was
    written (the transaction rolled back). None for every other error."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, sqlite3.OperationalError) and str(cause).lower() in _SQLITE_FULL:
            return DISK_FULL
        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return DISK_FULL
        if isinstance(cause, sa.exc.DBAPIError) and cause.connection_invalidated:
            return DATABASE_AWAY
        if isinstance(cause, ConnectionError | TimeoutError):
            return DATABASE_AWAY
        if type(cause).__module__.startswith("asyncpg") and type(cause).__name__ in (
            "ConnectionDoesNotExistError",
            "CannotConnectNowError",
            "ConnectionFailureError",
            "InterfaceError",
        ):
            return DATABASE_AWAY
        cause = cause.__cause__ or cause.__context__
    return None
