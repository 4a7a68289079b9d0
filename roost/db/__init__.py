"""The one seam through which all SQL runs.

Domain code builds SQLAlchemy Core statements and hands them to `Database`; how they run
(aiosqlite or asyncpg today) is this module's business alone. SQLite runs in WAL mode with
writes serialised through one lock per process and `BEGIN IMMEDIATE`, so "database is
locked" never reaches a user.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, cast

import msgspec
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from roost.db.fast import Plan, Written, plan
from roost.db.metadata import metadata
from roost.errors import Busy

__all__ = ["Database", "Transaction", "metadata"]

AfterCommit = Callable[[], Awaitable[None]]
WRITE_LOCK_TIMEOUT = 10.0  # seconds a SQLite write waits for another process's write
# Its retries back off from 1 ms to this: with a `roost worker` writing fan-out batches
# beside a web process, a 50 ms cap left the web process idle half the time (POST p99
# 330 ms, 286/s); 2 ms: p99 62 ms, 426/s (bench, SQLite, 1M posts).
WRITE_RETRY_MAX = 0.002
_json_decode = msgspec.json.decode  # JSON columns (C, 3x the stdlib's json.loads)
_PLANS_MAX = 1024  # statements with a driver-level plan, per Database
_PG_IDLE_MAX = 10  # PostgreSQL read connections kept open between fast-path reads
# SQLite WAL checkpoints (`_Checkpointer`): one in a thread after this many commits; the
# writers' own automatic checkpoint, on the loop, is only a safety net at WAL_SAFETY_PAGES
# (~64 MB of WAL).
CHECKPOINT_COMMITS = 16
WAL_SAFETY_PAGES = 16384
Params = dict[str, Any]
log = logging.getLogger(__name__)


class _Checkpointer:
    """Runs SQLite's WAL checkpoints off the event loop.

    Left to SQLite, a checkpoint runs inside the commit that pushes the WAL past 1,000
    pages, on the event loop: it copies the pages into the database file and fsyncs it
    (measured: a post's commit took 0.42 ms on average, 0.085 ms without it, and the
    POST benchmark's p99 was 84 ms, 24-28 ms without it, at the same req/s). Here every
    CHECKPOINT_COMMITS commits a task takes the process's write lock and runs a PASSIVE
    checkpoint in a thread, on a connection of its own: reads go on meanwhile, writes
    wait for it. Holding the write lock matters: a checkpoint that runs beside writes
    never finds the WAL fully copied, so the WAL is never restarted and grows (measured:
    16k pages after 1,000 posts); after one that held it, the next write starts the WAL
    over. (Another process's writes can still interleave; the next checkpoint catches up,
    and the writers' own automatic checkpoint at WAL_SAFETY_PAGES bounds the WAL.)"""

    def __init__(self, path: str, lock: asyncio.Lock) -> None:
        self.path = path
        self.lock = lock
        self.commits = 0
        self._conn: sqlite3.Connection | None = None
        self._task: asyncio.Future[None] | None = None

    def committed(self) -> None:
        self.commits += 1
        if self.commits % CHECKPOINT_COMMITS == 0 and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._checkpoint())

    async def _checkpoint(self) -> None:
        try:
            async with self.lock:
                await asyncio.to_thread(self._run)
        except Exception:  # e.g. the file went away under a test; the next one tries again
            log.warning("WAL checkpoint failed", exc_info=True)

    def _run(self) -> None:
        if self._conn is None:
            self._conn = sqlite3.connect(self.path, check_same_thread=False)
        self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    async def close(self) -> None:
        if self._task is not None:
            await self._task
            self._task = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class _Runner(ABC):
    """fetch/execute helpers shared by `Database` (autocommitting reads) and `Transaction`."""

    @abstractmethod
    async def _conn_execute(
        self, stmt: sa.Executable, params: Params | None = None
    ) -> sa.Result[Any]: ...

    async def _fast(
        self, stmt: sa.Executable, params: Params | None, *, one: bool
    ) -> tuple[Plan, Sequence[Any]] | None:
        """A statement built once (read with `params`) run straight through the driver
        (roost.db.fast): its plan and raw rows (at most one with `one`). None: it runs
        through SQLAlchemy."""
        return None

    async def fetch_all(
        self, stmt: sa.Executable, params: Params | None = None
    ) -> Sequence[Row[Any]]:
        """All rows of a SELECT (or of an INSERT/UPDATE ... RETURNING). `params` bind a
        statement built once with `bindparam`s (the hot paths' way)."""
        fast = await self._fast(stmt, params, one=False)
        if fast is not None:
            p, raw = fast
            return cast(Sequence[Row[Any]], list(map(p.row, raw)))
        return (await self._conn_execute(stmt, params)).all()

    async def fetch_one(self, stmt: sa.Executable, params: Params | None = None) -> Row[Any] | None:
        """The first row, or None."""
        fast = await self._fast(stmt, params, one=True)
        if fast is not None:
            p, raw = fast
            return cast(Row[Any], p.row(raw[0])) if raw else None
        return (await self._conn_execute(stmt, params)).first()

    async def scalar(self, stmt: sa.Executable, params: Params | None = None) -> Any:
        """The first column of the first row, or None."""
        fast = await self._fast(stmt, params, one=True)
        if fast is not None:
            p, raw = fast
            return p.first(raw[0]) if raw else None
        return (await self._conn_execute(stmt, params)).scalar()

    async def scalars(self, stmt: sa.Executable, params: Params | None = None) -> list[Any]:
        """The first column of every row."""
        fast = await self._fast(stmt, params, one=False)
        if fast is not None:
            p, raw = fast
            return list(map(p.first, raw))
        return list((await self._conn_execute(stmt, params)).scalars().all())


class Transaction(_Runner):
    """One write transaction. Work queued with `after_commit` runs only once it committed."""

    def __init__(self, conn: AsyncConnection | sa.Connection, db: Database | None = None) -> None:
        self.conn = conn
        # Given for a SQLite file's write connection: statements with a plan run through
        # sqlite3 directly, inside this transaction (roost.db.fast).
        self._db = db
        self._after: list[AfterCommit] = []
        self._events: list[tuple[str, bytes]] = []
        self._stale: list[str] = []
        self.jobs_enqueued = False

    async def _conn_execute(
        self, stmt: sa.Executable, params: Params | list[Params] | None = None
    ) -> sa.Result[Any]:
        if isinstance(self.conn, sa.Connection):
            return self.conn.execute(stmt, params)
        return await self.conn.execute(stmt, params)

    async def execute(
        self, stmt: sa.Executable, rows: Sequence[dict[str, Any]] | None = None
    ) -> sa.CursorResult[Any]:
        """Run a write (with `rows`: executemany); returns the cursor result."""
        if rows is not None and not rows:
            raise ValueError("execute() with an empty list of rows")
        if self._db is not None and rows is not None:
            written = self._db._write(self._dbapi(), stmt, rows)
            if written is not None:
                return cast(sa.CursorResult[Any], written)
        result = await self._conn_execute(stmt, list(rows) if rows is not None else None)
        return cast(sa.CursorResult[Any], result)

    def _dbapi(self) -> Any:
        assert isinstance(self.conn, sa.Connection)
        return self.conn.connection.dbapi_connection

    async def _fast(
        self, stmt: sa.Executable, params: Params | None, *, one: bool
    ) -> tuple[Plan, Sequence[Any]] | None:
        if params is None or self._db is None:
            return None
        p = self._db._plan(stmt)
        if p is None or not p.returns:
            return None
        return p, self._db._sqlite_run(self._dbapi(), p, params, one)

    def after_commit(self, fn: AfterCommit) -> None:
        """Run `fn` after a successful commit (events, cache invalidation, live updates)."""
        self._after.append(fn)

    def invalidate(self, *keys: str) -> None:
        """Drop cache entries once this transaction commits (before events go out, so a
        stream that renders on an event sees the new state)."""
        self._stale.extend(keys)

    def publish(self, channel: str, message: bytes) -> None:
        """Publish a live-update message once (and only if) this transaction commits."""
        self._events.append((channel, message))


class Database(_Runner):
    """The database of one instance: an engine plus the rules for reading and writing."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.query_count = 0
        self._write_lock = asyncio.Lock()
        # Set by the app: where committed transactions' messages go, and who to wake when
        # jobs were queued (the in-process worker).
        self.publisher: Callable[[str, bytes], Awaitable[None]] | None = None
        self.job_waker: Callable[[], None] | None = None
        self.invalidator: Callable[[list[str]], Awaitable[None]] | None = None
        self._reader: sa.Engine | None = None
        self._read_conns: dict[int, sa.Connection] = {}
        self._write_conns: dict[tuple[str, int], sa.Connection] = {}
        self._async_reader: AsyncEngine | None = None
        self._checkpointer: _Checkpointer | None = None
        # Driver-level plans of statements read with parameters (roost.db.fast), by the
        # statement's id; each entry holds its statement, so the id stays its own.
        self._plans: dict[tuple[int, tuple[str, ...], bool], tuple[sa.Executable, Plan | None]] = {}
        self._pg_idle: list[AsyncConnection] = []  # PostgreSQL read connections kept open
        self._closing: set[asyncio.Future[None]] = set()
        # Set by a tracer (bench/sqltrace.py): told every fast-path statement's SQL and ms.
        self.trace: Callable[[str, float], None] | None = None
        if self.is_sqlite:
            # WAL lets the reader connections run beside the one writer.
            self.engine: AsyncEngine = create_async_engine(
                url, echo=echo, pool_size=8, max_overflow=8, json_deserializer=_json_decode
            )
            _sqlite_pragmas(self.engine.sync_engine)
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
                _sqlite_pragmas(self._reader)
                self._checkpointer = _Checkpointer(
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
        for engine in self.sync_engines():
            event.listen(engine, "before_cursor_execute", self._count)

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

    def _plan(
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
        if params is None or (self._reader is None and self._async_reader is None):
            return None
        p = self._plan(stmt)
        if p is None or not p.returns:
            return None
        if self._reader is not None:
            conn = self._read_conns.get(threading.get_ident())
            if conn is None:
                conn = self._read_conns[threading.get_ident()] = self._reader.connect()
            return p, self._sqlite_run(conn.connection.dbapi_connection, p, params, one)
        t0 = time.perf_counter()
        rows = await self._pg_rows(p, self._args(p, params), params, one)
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

    def _sqlite_run(self, dbapi: Any, p: Plan, params: Params, one: bool) -> list[Any]:
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

    def _write(self, dbapi: Any, stmt: sa.Executable, rows: Sequence[Params]) -> Written | None:
        """Run a write with a plan on a SQLite transaction's sqlite3 connection; None when
        it has none (SQLAlchemy runs it)."""
        keys = tuple(sorted(rows[0]))
        many = len(rows) > 1
        if many and any(len(r) != len(keys) or r.keys() != rows[0].keys() for r in rows):
            return None  # rows of different shapes: SQLAlchemy says what is missing
        p = self._plan(stmt, keys, many)
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

    async def _pg_rows(self, p: Plan, args: tuple[Any, ...], params: Params, one: bool) -> Any:
        import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints

        for attempt in (1, 2):
            # Connections stay checked out of SQLAlchemy's pool between reads, kept here:
            # a checkout and return through its async layer cost more CPU than the read.
            conn = self._pg_idle.pop() if self._pg_idle else await self._pg_connect()
            driver: Any = (await conn.get_raw_connection()).driver_connection
            try:
                if one:
                    row = await driver.fetchrow(p.sql, *args)
                    rows = [] if row is None else [row]
                else:
                    rows = await driver.fetch(p.sql, *args)
            except Exception as e:
                if isinstance(e, asyncpg.PostgresError) and not driver.is_closed():
                    self._pg_release(conn)  # the statement failed; the connection is fine
                    raise sa.exc.DBAPIError.instance(p.sql, params, e, Exception) from e
                # A dropped or confused connection (closed by the server, or its protocol
                # mid-way after that): retried once on a fresh one (reads are safe to
                # repeat), as the SQLAlchemy path does. The other kept and pooled
                # connections likely went the same way (a restart, a failover): all are
                # dropped, as SQLAlchemy invalidates its pool on a disconnect.
                await self._pg_discard(conn)
                idle, self._pg_idle = self._pg_idle, []
                for other in idle:
                    await self._pg_discard(other)
                await cast(AsyncEngine, self._async_reader).dispose()
                if attempt == 2:
                    raise sa.exc.DBAPIError.instance(
                        p.sql, params, e, Exception, connection_invalidated=True
                    ) from e
                continue
            except BaseException:  # cancelled mid-read: the connection's state is unknown
                await asyncio.shield(self._pg_discard(conn))
                raise
            self._pg_release(conn)
            return rows
        raise AssertionError("unreachable")

    async def _pg_connect(self) -> AsyncConnection:
        return await cast(AsyncEngine, self._async_reader).connect()

    def _pg_release(self, conn: AsyncConnection) -> None:
        if len(self._pg_idle) < _PG_IDLE_MAX:
            self._pg_idle.append(conn)
        else:
            task = asyncio.ensure_future(conn.close())  # back to SQLAlchemy's pool
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    @staticmethod
    async def _pg_discard(conn: AsyncConnection) -> None:
        """Close a kept connection for good (it is not handed back to the pool)."""
        try:
            await conn.invalidate()
            await conn.close()
        except Exception:  # already gone: nothing more to release
            log.debug("closing a dropped read connection failed", exc_info=True)

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

    @staticmethod
    async def _read(
        engine: AsyncEngine, stmt: sa.Executable, params: Params | None
    ) -> sa.Result[Any]:
        async with engine.connect() as conn:
            # Buffered, so the connection goes back before the caller reads the rows.
            return (await conn.execute(stmt, params)).freeze()()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One write transaction: commits on success, rolls back on any exception."""
        tx: Transaction
        if self._reader is not None:
            async with self._write_lock:
                writer = await self._begin_immediate()
                tx = Transaction(writer, self)
                try:
                    yield tx
                    writer.commit()
                    if self._checkpointer is not None:
                        self._checkpointer.committed()
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
                    tx = Transaction(conn)
                    yield tx
        else:
            async with self.engine.begin() as conn:
                tx = Transaction(conn)
                yield tx
        if tx._stale and self.invalidator is not None:
            try:
                await self.invalidator(tx._stale)
            except Exception:  # the cache's TTL bounds how long a missed invalidation lasts
                log.exception("could not invalidate %d cache keys", len(tx._stale))
        if tx.jobs_enqueued and self.job_waker is not None:
            self.job_waker()
        if tx._events and self.publisher is not None:
            for channel, message in tx._events:
                try:
                    await self.publisher(channel, message)
                except Exception:  # live updates are best-effort; the write has committed
                    log.exception("could not publish to %s", channel)
        for fn in tx._after:
            await fn()

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
            if self._checkpointer is not None:
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

    async def execute(self, stmt: sa.Executable) -> sa.CursorResult[Any]:
        """Run one write in its own transaction."""
        async with self.transaction() as tx:
            return await tx.execute(stmt)

    async def dispose(self) -> None:
        if self._checkpointer is not None:
            await self._checkpointer.close()
        await self.engine.dispose()
        if self._reader is not None:
            for conn in [*self._read_conns.values(), *self._write_conns.values()]:
                conn.close()
            self._read_conns.clear()
            self._write_conns.clear()
            self._reader.dispose()
        if self._async_reader is not None:
            idle, self._pg_idle = self._pg_idle, []
            for kept in idle:
                await kept.close()
            await self._async_reader.dispose()


def _sqlite_pragmas(sync_engine: sa.Engine) -> None:
    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's own transaction handling is broken
        # for BEGIN IMMEDIATE); see SQLAlchemy's "Serializable isolation" recipe.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Only write transactions begin; reads run in autocommit mode.
        mode = conn.get_execution_options().get("sqlite_begin")
        if mode is not None:
            conn.exec_driver_sql(f"BEGIN {mode}")
