"""`python -m bench.run [--quick]`: seed, serve, load and measure Roost on SQLite and on
PostgreSQL + Redis; write bench/results/<date>[-quick].json and render docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench import gen, media, report
from bench.backends import postgres_instance, sqlite_instance
from bench.config import FULL, QUICK, Config
from bench.measure import BackendRun

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "bench" / ".work"
SCHEMA = "roost-bench/1"
console = Console(stderr=True)


def _cmd(*args: str) -> str:
    try:
        return subprocess.run(
            args, capture_output=True, text=True, cwd=ROOT, check=False
        ).stdout.strip()
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        int(ln.split()[1])
        for ln in Path("/proc/meminfo").read_text().splitlines()
        if ln.startswith("MemTotal")
    )
    import starlette
    import uvicorn

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "uvicorn": uvicorn.__version__,
        "starlette": starlette.__version__,
        "wrk": _cmd("wrk", "-v").splitlines()[0] if shutil.which("wrk") else None,
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def git() -> dict[str, Any]:
    status = _cmd("git", "status", "--porcelain")
    return {"commit": _cmd("git", "rev-parse", "HEAD"), "changed_files": len(status.splitlines())}


def parse(argv: list[str] | None = None) -> Config:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="the ~2-minute version")
    p.add_argument(
        "--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres"
    )
    p.add_argument("--users", type=int, help="network size (accounts)")
    p.add_argument("--sizes", help="comma-separated post counts, multiples of 10,000")
    p.add_argument("--fanout", help="comma-separated follower counts")
    p.add_argument("--fan-feed-depth", type=int, help="entries in each fan-out follower's feed")
    p.add_argument("--seconds", type=float, help="duration of each measured wrk run")
    p.add_argument("--connections", type=int, default=10, help="wrk connections (closed loop)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--profile", action="store_true", help="also profile each endpoint with py-spy")
    p.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    p.add_argument("--no-report", action="store_true", help="do not render docs/benchmarks.md")
    a = p.parse_args(argv)
    base: dict[str, Any] = dict(QUICK if a.quick else FULL)
    if a.users:
        base["users"] = a.users
    if a.sizes:
        base["sizes"] = [int(s) for s in a.sizes.split(",")]
    if a.fanout:
        base["fanout"] = [int(s) for s in a.fanout.split(",")]
    if a.fan_feed_depth is not None:
        base["fan_feed_depth"] = a.fan_feed_depth
    if a.seconds:
        base["seconds"] = a.seconds
    if any(s % gen.CHUNK for s in base["sizes"]):
        p.error(f"--sizes must be multiples of {gen.CHUNK:,}")
    backends = [b.strip() for b in a.backends.split(",") if b.strip()]
    if not set(backends) <= {"sqlite", "postgres"}:
        p.error("--backends takes sqlite and/or postgres")
    return Config(
        mode="quick" if a.quick else "full",
        connections=a.connections,
        seed=a.seed,
        profile=a.profile,
        keep=a.keep,
        backends=backends,
        report=not a.no_report,
        **base,
    )


async def run_backend(
    name: str, cfg: Config, net: gen.Network, stamp: str, progress: Progress
) -> dict[str, Any]:
    make = sqlite_instance if name == "sqlite" else postgres_instance
    inst = await make(WORK, stamp, cfg.keep)
    try:
        return await BackendRun(inst, net, cfg, WORK, progress, progress.console.log).run()
    finally:
        await inst.cleanup()


def main(argv: list[str] | None = None) -> int:
    cfg = parse(argv)
    backends = cfg.backends
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            console.print(f"[red]{tool} is missing:[/red] run scripts/install-bench.sh")
            return 2
    if (os.cpu_count() or 1) < 2:
        console.print("[red]Needs 2 cores: the server and wrk are pinned to one each.[/red]")
        return 2
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%d_%H%M%S")
    results: dict[str, Any] = {
        "schema": SCHEMA,
        "mode": cfg.mode,
        "started_at": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git(),
        "config": {k: v for k, v in asdict(cfg).items() if k not in ("keep", "profile", "report")}
        | {"server_core": 0, "wrk_core": 1, "wrk_threads": 1},
        "backends": {},
    }
    t0 = time.monotonic()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("network", total=None)
        net = gen.make_network(cfg.users, cfg.seed)
        progress.update(
            task,
            total=1,
            completed=1,
            description=f"network: {net.size:,} users, {sum(map(len, net.following)):,} follows",
        )
        for name in backends:
            label = "sqlite" if name == "sqlite" else "postgres+redis"
            progress.console.rule(label)
            results["backends"][label] = asyncio.run(run_backend(name, cfg, net, stamp, progress))
        progress.console.rule("media processing")
        results["media"] = media.measure(3.0 if cfg.mode == "quick" else 8.0)
    results["seconds"] = round(time.monotonic() - t0, 1)
    results["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["checks"] = report.checks(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if cfg.mode == "quick" else ""
    out = RESULTS / f"{started.strftime('%Y-%m-%d')}{suffix}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    console.print(f"Wrote {out.relative_to(ROOT)} in {results['seconds']:.0f} s")
    for c in results["checks"]:
        colour = {"pass": "green", "fail": "red"}.get(c["status"], "yellow")
        console.print(f"  [{colour}]{c['status']:>12}[/{colour}]  {c['name']}: {c['measured']}")
    if cfg.report:
        report.render(out)
        console.print("Rendered docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
