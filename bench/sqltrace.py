"""One request per endpoint run in-process with every SQL statement timed: how many
queries an endpoint makes and which of them take the time (EXPLAIN those)."""

from __future__ import annotations

import time
from typing import Any

import httpx
from sqlalchemy import event

from bench.gen import BASE_URL
from roost.app import create_app
from roost.config import Settings
from roost.instance import Roost

Call = tuple[str, str, str, str, dict[str, str] | None]  # name, method, path, token, form


async def trace(settings: Settings, calls: list[Call], repeat: int = 5) -> dict[str, Any]:
    """For each call, after one warm-up: the median of `repeat` runs' wall time, with that
    run's SQL time and statements (slowest first)."""
    roost = Roost(settings)
    app = create_app(settings, roost)  # with `roost` given, no worker starts
    log: list[tuple[float, str]] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        t0 = conn.info.pop("bench_t0", None)
        if t0 is not None:
            log.append(((time.perf_counter() - t0) * 1000, " ".join(statement.split())))

    def fast(statement: str, ms: float) -> None:  # reads run through the driver directly
        log.append((ms, " ".join(statement.split())))

    roost.db.connections.trace = fast
    for engine in roost.db.sync_engines():
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
    out: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            for name, method, path, token, form in calls:
                headers = {"Authorization": f"Bearer {token}"}
                await client.request(method, path, headers=headers, data=form)  # warm-up
                runs = []
                for _ in range(repeat):
                    log.clear()
                    t0 = time.perf_counter()
                    r = await client.request(method, path, headers=headers, data=form)
                    runs.append(((time.perf_counter() - t0) * 1000, r.status_code, list(log)))
                wall, status, statements = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
                out[name] = {
                    "status": status,
                    "wall_ms": round(wall, 2),
                    "sql_ms": round(sum(ms for ms, _ in statements), 2),
                    "queries": len(statements),
                    "statements": [
                        [round(ms, 2), sql[:400]] for ms, sql in sorted(statements)[::-1][:10]
                    ],
                }
    finally:
        await roost.close()
        await roost.db.dispose()
    return out
