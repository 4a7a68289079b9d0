"""`roost serve`, `roost worker` and `roost migrate`: running an instance."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from typing import Annotated

import typer

from roost.cli.common import app, console, load_settings

SHUTDOWN_GRACE = 20  # seconds; give a supervisor's stop at least 30 (systemd TimeoutStopSec)
KEEP_ALIVE = 65  # seconds an idle HTTP connection is kept open (see serve())


@app.command(rich_help_panel="Running Roost")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Number of web processes.", min=1)] = 1,
    no_worker: Annotated[
        bool,
        typer.Option("--no-worker", help="Run no job worker here; leave jobs to `roost worker`."),
    ] = False,
) -> None:
    """Serve Roost over HTTP (applies pending database migrations first)."""
    import logging

    import uvicorn

    from roost.db.migrate import upgrade_sync
    from roost.logs import configure_logging, log_config

    settings = load_settings()
    configure_logging(settings.log_format)
    if workers > 1 and not settings.redis_url:
        console.print(
            "[red]--workers above 1 needs ROOST_REDIS_URL:[/red] without Redis, live updates "
            "and caches live inside one process and would not reach the others."
        )
        raise typer.Exit(2)
    if no_worker:
        # uvicorn starts the app from the environment in each process.
        os.environ["ROOST_NO_WORKER"] = "1"
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # /metrics adds up every web process's counts from files here (prometheus-client's
        # multiprocess mode); set before any process imports prometheus_client.
        metrics_dir = settings.data_dir / "metrics"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    upgrade_sync(settings.database_url)
    # A log line, not console text: with ROOST_LOG_FORMAT=json, stderr stays all JSON.
    logging.getLogger("roost").info(
        "Roost serving http://%s:%s (public address %s, database %s)",
        host, port, settings.base_url, settings.database_url.split("://", 1)[0],
    )  # fmt: skip
    # uvicorn re-raises the SIGTERM it handled once it has stopped cleanly: exit 0 then,
    # as a supervisor expects of a clean stop, not 143.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(
        "roost.asgi:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,  # ROOST_TRUSTED_PROXIES
        server_header=False,
        log_config=log_config(settings.log_format),  # ROOST_LOG_FORMAT; secrets redacted
        # On SIGTERM: stop accepting, end live streams (roost.http.shutdown), let requests
        # in flight finish (cut after this many seconds), then stop the in-process worker
        # after its current batch of jobs.
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
        # An idle keep-alive connection stays open this long. uvicorn's 5 s raced clients
        # that wait exactly 5 s between requests (Mastodon.py polls a processing upload so):
        # the server closed the connection as the client reused it, and the client saw
        # "connection reset". Longer than a load balancer's usual 60 s idle timeout, too.
        timeout_keep_alive=KEEP_ALIVE,
    )


@app.command(rich_help_panel="Running Roost")
def worker(
    once: Annotated[bool, typer.Option("--once", help="Run what is due, then exit.")] = False,
) -> None:
    """Run background jobs (fan-out, media, link previews, pushes). Start as many as needed."""

    from roost.db.migrate import upgrade
    from roost.instance import Roost
    from roost.logs import configure_logging

    settings = load_settings()
    configure_logging(settings.log_format)

    async def main() -> None:
        await upgrade(settings.database_url)
        roost = Roost(settings)
        try:
            if once:
                done = await roost.start_worker_once()
                console.print(f"Ran {done} jobs.")
                return
            task = roost.start_worker()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, roost.close_worker)
            await task
        finally:
            await roost.close()
            await roost.db.dispose()

    asyncio.run(main())


@app.command(rich_help_panel="Running Roost")
def migrate() -> None:
    """Apply pending database migrations."""
    from roost.db.migrate import upgrade_sync

    settings = load_settings()
    upgrade_sync(settings.database_url)
    console.print("Database is up to date.")
