"""How statements run: the engines and connections of one database.

SQLite runs in WAL mode with writes serialised through one lock per process and
`BEGIN IMMEDIATE`, so "database is locked" never reaches a user; PostgreSQL runs through
asyncpg with a read pool in autocommit beside a write pool.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, cast

import msgspec
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from roost.db.fast import Plan, Written, plan
from roost.db.metrics import forget_pool, watch_pool
from roost.db.postgres import PgReads
from roost.db.runner import Params, Runner
from roost.db.sqlite import WAL_SAFETY_PAGES, Checkpointer, sqlite_pragmas
from roost.db.transaction import Transaction
from roost.errors import Busy

WRITE_LOCK_TIMEOUT = 10.0  # seconds a SQLite write waits for another process's write
# Its retries back off from 1 ms to this: with a `roost worker` writing fan-out batches
# beside a web process, a 50 ms cap left the web process idle half the time (POST p99
# 330 ms, 286/s); 2 ms: p99 62 ms, 426/s (bench, SQLite, 1M posts).
WRITE_RETRY_MAX = 0.002
_json_decode = msgspec.json.decode  # JSON columns (C, 3x the stdlib's json.loads)
_PLANS_MAX = 1024  # statements with a driver-level plan, per database


_CUSTOM_PLANS = sa.text("SET plan_cache_mode = force_custom_plan")
_GENERIC_PLANS = sa.text("RESET plan_cache_mode")  # to the connection's own, generic


class Connections(Runner):
    """The engines of one database URL, shared by every `Database` handle on it."""

    def __init__(self, url: str, *, echo: bool = False, sqlite_sync: str = "normal") -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.query_count = 0
        self._write_lock = asyncio.Lock()
        self._reader: sa.Engine | None = None
        self._read_conns: dict[int, sa.Connection] = {}
        self._write_conns: dict[tuple[str, int], sa.Connection] = {}
        self._async_reader: AsyncEngine | None = None
        self.pg_reads: PgReads | None = None
        self.checkpointer: Checkpointer | None = None
        # Driver-level plans of statements read with parameters (roost.db.fast), by the
        # statement's id; each entry holds its statement, so the id stays its own.
        self._plans: dict[tuple[int, tuple[str, ...], bool], tuple[sa.Executable, Plan | None]] = {}
        # Set by a tracer (bench/sqltrace.py): told every fast-path statement's SQL and ms.
        self.trace: Callable[[str, float], None] | None = None
        if self.is_sqlite:
            # WAL lets the reader connections run beside the one writer.
            self.engine: AsyncEngine = create_async_engine(
                url, echo=echo, pool_size=8, max_overflow=8, json_deserializer=_json_decode
            )
            sqlite_pragmas(self.engine.sync_engine, sqlite_sync)
            if ":memory:" not in url and url.split("///", 1)[-1]:
                # Reads and writes run on the event loop's own thread, through plain
                # sqlite3: a statement on an index takes tens of microseconds there,
                # where handing it to aiosqlite's thread and back cost several loop
                # wake-ups (measured: half the home timeline's time). aiosqlite stays for
                # in-memory databases.
                self._reader = sa.create_engine(
                    "sqlite://" + url.split("://", 1)[1],
                    echo=echo,
                    pool_size=4,
                    max_overflow=4,
                    pool_reset_on_return=None,  # autocommit: nothing to roll back
                    connect_args={"check_same_thread": False},
                    json_deserializer=_json_decode,
                )
                sqlite_pragmas(self._reader, sqlite_sync)
                self.checkpointer = Checkpointer(
                    url.split("///", 1)[1].split("?", 1)[0], self._write_lock
                )
        else:
            self.engine = create_async_engine(
                url,
                echo=echo,
                pool_size=5,
                max_overflow=5,
                pool_pre_ping=True,
                json_deserializer=_json_decode,
            )
            # Reads get their own pool, in autocommit (no BEGIN/COMMIT round trips) and
            # without the pre-ping round trip per checkout: a read that meets a dropped
            # connection is retried once instead (reads are safe to repeat).
            # Generic plans: the timeline statements are long (visibility is a dozen
            # subplans), and PostgreSQL's default kept re-planning them per execution
            # (home: 1.85 ms custom-planned vs 0.42 ms on the generic plan, measured), on
            # the core the web process needs. Their parameters are ids, for which one
            # plan fits all; a value that should change the plan (a threshold) must be a
            # constant in the SQL instead (see timelines.queries._home_statement).
            self._async_reader = create_async_engine(
                url,
                echo=echo,
                # Enough kept open for a busy process: past pool_size, connections are
                # opened and closed per checkout (connect + TLS attempt + empty statement
                # cache: a tenth of a home request's CPU under load, py-spy).
                pool_size=10,
                max_overflow=5,
                isolation_level="AUTOCOMMIT",
                json_deserializer=_json_decode,
                connect_args={"server_settings": {"plan_cache_mode": "force_generic_plan"}},
            )
            self.pg_reads = PgReads(self._async_reader)
        for engine in self.sync_engines():
            event.listen(engine, "before_cursor_execute", self._count)
        self._pools = list(
            zip(
                self._pool_names(),
                map(watch_pool, self.sync_engines(), self._pool_names()),
                strict=True,
            )
        )

    def _pool_names(self) -> list[str]:
        """The /metrics names of `sync_engines()`' pools, in its order."""
        names = ["main"]
        if self._reader is not None:
            names.append("sqlite")
        if self._async_reader is not None:
            names.append("read")
        return names

    def sync_engines(self) -> list[sa.Engine]:
        """Every engine statements run on (to hang SQLAlchemy events on)."""
        engines = [self.engine.sync_engine]
        if self._reader is not None:
            engines.append(self._reader)
        if self._async_reader is not None:
            engines.append(self._async_reader.sync_engine)
        return engines

    def _count(self, _conn: Any, _cursor: Any, statement: str, *args: Any) -> None:
        self.query_count += 1

    # --- statements built once run straight through the driver (roost.db.fast) ---

    def plan_of(
        self, stmt: sa.Executable, keys: tuple[str, ...] = (), many: bool = False
    ) -> Plan | None:
        """`stmt`'s plan (for writes: executed with parameter `keys`), made once."""
        cache_key = (id(stmt), keys, many)
        entry = self._plans.get(cache_key)
        if entry is None:
            if len(self._plans) >= _PLANS_MAX:
                self._plans.clear()
            engine = self._reader or cast(AsyncEngine, self._async_reader).sync_engine
            made = plan(stmt, engine.dialect, keys=keys, many=many)
            entry = self._plans[cache_key] = (stmt, made)
        return entry[1]

    async def _fast(
        self, stmt: sa.Executable, params: Params | None, *, one: bool
    ) -> tuple[Plan, Sequence[Any]] | None:
        if params is None or (self._reader is None and self.pg_reads is None):
            return None
        p = self.plan_of(stmt)
        if p is None or not p.returns:
            return None
        if self._reader is not None:
            conn = self._read_conns.get(threading.get_ident())
            if conn is None:
                conn = self._read_conns[threading.get_ident()] = self._reader.connect()
            return p, self.sqlite_run(conn.connection.dbapi_connection, p, params, one)
        assert self.pg_reads is not None
        t0 = time.perf_counter()
        rows = await self.pg_reads.rows(p, self._args(p, params), params, one)
        self._traced(p, t0)
        return p, rows

    def _args(self, p: Plan, params: Params) -> tuple[Any, ...]:
        try:
            return p.args(params)
        except KeyError as e:
            raise sa.exc.StatementError(
                f"A value is required for bind parameter {e}", p.sql, params, None
            ) from e

    def _traced(self, p: Plan, t0: float) -> None:
        self.query_count += 1
        if self.trace is not None:
            self.trace(p.sql, (time.perf_counter() - t0) * 1000)

    def sqlite_run(self, dbapi: Any, p: Plan, params: Params, one: bool) -> list[Any]:
        """Run a plan that returns rows on a sqlite3 connection."""
        args = self._args(p, params)
        t0 = time.perf_counter()
        try:
            cursor = dbapi.execute(p.sql, args)
            if one:
                row = cursor.fetchone()
                cursor.close()
                rows = [] if row is None else [row]
            else:
                rows = cursor.fetchall()
        except sqlite3.Error as e:  # as SQLAlchemy would have raised it
            raise sa.exc.DBAPIError.instance(p.sql, params, e, sqlite3.Error) from e
        self._traced(p, t0)
        return rows

    def write(self, dbapi: Any, stmt: sa.Executable, rows: Sequence[Params]) -> Written | None:
        """Run a write with a plan on a SQLite transaction's sqlite3 connection; None when
        it has none (SQLAlchemy runs it)."""
        keys = tuple(sorted(rows[0]))
        many = len(rows) > 1
        if many and any(len(r) != len(keys) or r.keys() != rows[0].keys() for r in rows):
            return None  # rows of different shapes: SQLAlchemy says what is missing
        p = self.plan_of(stmt, keys, many)
        if p is None:
            return None
        t0 = time.perf_counter()
        try:
            if many:
                cursor = dbapi.executemany(p.sql, [self._args(p, r) for r in rows])
                written = Written(cursor.rowcount, [])
            else:
                cursor = dbapi.execute(p.sql, self._args(p, rows[0]))
                raw = cursor.fetchall() if p.returns else []
                written = Written(cursor.rowcount, [p.row(r) for r in raw])
        except sqlite3.Error as e:  # as SQLAlchemy would have raised it
            raise sa.exc.DBAPIError.instance(p.sql, rows[0], e, sqlite3.Error) from e
        self._traced(p, t0)
        return written

    # --- statements through SQLAlchemy ---

    async def _conn_execute(
        self, stmt: sa.Executable, params: Params | None = None
    ) -> sa.Result[Any]:
        if self._reader is not None:
            # Synchronous: the rows are read before any other task can run, so one open
            # connection per thread serves every read (no checkout, no buffering copy).
            reader = self._read_conns.get(threading.get_ident())
            if reader is None:
                reader = self._read_conns[threading.get_ident()] = self._reader.connect()
            return reader.execute(stmt, params)
        if self._async_reader is not None:
            try:
                return await self._read(self._async_reader, stmt, params)
            except sa.exc.DBAPIError as e:
                if not e.connection_invalidated:
                    raise
                return await self._read(self._async_reader, stmt, params)
        # SQLite in memory: reads share the writer's pool, in autocommit.
        async with self.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            result = await conn.execute(stmt, params)
            # Buffer rows so the connection can go back before the caller reads them.
            buffered = result.freeze()
            await conn.commit()
            return buffered()

    async def fetch_all_replanned(self, stmt: sa.Executable, params: Params) -> list[Any]:
        """`fetch_all`, planned for these very values. The read connections keep one
        generic plan per statement, which suits ids; a full-text search's best plan
        depends on how common its words are (walk the newest posts for a common one,
        read the index for a rare one), so on PostgreSQL this read is planned each time."""
        if self._async_reader is None:
            return list(await self.fetch_all(stmt, params))
        async with self._async_reader.connect() as conn:
            await conn.execute(_CUSTOM_PLANS)
            try:
                rows = (await conn.execute(stmt, params)).all()
            finally:
                await conn.execute(_GENERIC_PLANS)
        return list(rows)

    @staticmethod
    async def _read(
        engine: AsyncEngine, stmt: sa.Executable, params: Params | None
    ) -> sa.Result[Any]:
        async with engine.connect() as conn:
            # Buffered, so the connection goes back before the caller reads the rows.
            return (await conn.execute(stmt, params)).freeze()()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One write transaction: commits on success, rolls back on any exception. Its
        outbox is the caller's to deliver (`Database.transaction` does)."""
        if self._reader is not None:
            async with self._write_lock:
                writer = await self._begin_immediate()
                try:
                    yield Transaction(writer, self)
                    writer.commit()
                    if self.checkpointer is not None:
                        self.checkpointer.committed()
                except BaseException:
                    writer.rollback()  # a no-op where SQLite has already rolled back
                    raise
            # Nothing above had to wait, so nothing let other tasks run: yield now, or a
            # fan-out's batches would hold the loop for their whole run.
            await asyncio.sleep(0)
        elif self.is_sqlite:
            async with self._write_lock, self.engine.connect() as conn:
                conn = await conn.execution_options(sqlite_begin="IMMEDIATE")
                async with conn.begin():
                    yield Transaction(conn)
        else:
            async with self.engine.begin() as conn:
                yield Transaction(conn)

    async def _begin_immediate(self) -> sa.Connection:
        """This thread's SQLite write connection, in a `BEGIN IMMEDIATE` transaction.

        Writes run on the loop thread like reads (aiosqlite's thread hand-offs were half of
        a post's CPU). Taking the write lock is the one step that can wait, on another
        process (a `roost worker`): the connection has no busy timeout, so instead of
        blocking the loop we sleep and retry, up to WRITE_LOCK_TIMEOUT. Once BEGIN
        IMMEDIATE holds the lock nothing else waits: WAL commits and passive checkpoints
        take no lock that a reader holds."""
        assert self._reader is not None
        key = ("w", threading.get_ident())
        conn = self._write_conns.get(key)
        if conn is None:
            conn = self._write_conns[key] = self._reader.connect()
            conn.exec_driver_sql("PRAGMA busy_timeout=0")
            if self.checkpointer is not None:
                conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={WAL_SAFETY_PAGES}")
            conn.commit()
        deadline = time.monotonic() + WRITE_LOCK_TIMEOUT
        delay = 0.001
        while True:
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return conn
            except sa.exc.OperationalError as e:
                conn.rollback()
                if "locked" not in str(e):
                    raise
                if time.monotonic() > deadline:
                    raise Busy(
                        "The server is busy; try again in a moment", headers={"Retry-After": "1"}
                    ) from e
            await asyncio.sleep(delay)
            delay = min(delay * 2, WRITE_RETRY_MAX)

    async def dispose(self) -> None:
        for name, capacity in self._pools:
            forget_pool(name, capacity)
        self._pools = []
        if self.checkpointer is not None:
            await self.checkpointer.close()
        await self.engine.dispose()
        if self._reader is not None:
            for conn in [*self._read_conns.values(), *self._write_conns.values()]:
                conn.close()
            self._read_conns.clear()
            self._write_conns.clear()
            self._reader.dispose()
        if self._async_reader is not None:
            if self.pg_reads is not None:
                await self.pg_reads.close()
            await self._async_reader.dispose()
