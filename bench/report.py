"""Targets checked against a results file, and docs/benchmarks.md with its charts.

`python -m bench.report [bench/results/FILE.json]` renders the given file, or the newest
one (by its `started_at`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.charts import ENDPOINTS, FANOUT_TARGET, charts, k

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
COMPARED = [  # measure.py's alternating rounds: each against plain home (issues 13, 18, 15)
    ("home_rich", "home with polls, quotes and pictures"),
    ("home_filtered", "home with three muted words"),
]


def _check(name: str, backend: str, target: str, measured: str, ok: bool | None) -> dict[str, Any]:
    status = "not measured" if ok is None else "pass" if ok else "fail"
    return {
        "name": f"{name} ({backend})",
        "backend": backend,
        "target": target,
        "measured": measured,
        "status": status,
    }


def checks(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each pass / fail / not measured, from one results file."""
    out = []
    for b, r in results["backends"].items():
        home = r["endpoints"].get("home")
        ceiling = r.get("ceiling", {}).get("rps")
        if home and ceiling:
            out.append(
                _check(
                    "home timeline req/s vs hello-world ceiling",
                    b,
                    "≥ 0.50",
                    f"{home['ratio']:.2f} ({home['rps']:,.0f} / {ceiling:,.0f} req/s)",
                    home["ratio"] >= 0.5,
                )
            )
            out.append(
                _check(
                    "home timeline p99 at that load",
                    b,
                    "< 20 ms",
                    f"{home['p99_ms']:.1f} ms",
                    home["p99_ms"] < 20,
                )
            )
        compared = r.get("comparisons", {})
        for name, what in COMPARED:
            c = compared.get(name)
            if c is None:
                continue
            rounds = ", ".join(f"{x:+.1%}" for x in c["changes"])
            out.append(
                _check(
                    f"{what} against plain home, {len(c['changes'])} alternating rounds",
                    b,
                    "within 10% (median)",
                    f"{c['median_change']:+.1%} (rounds: {rounds})",
                    c["median_change"] >= -0.10,
                )
            )
        post = r["endpoints"].get("post")
        if post and b == "sqlite":
            split = r["endpoints"].get("post_split")
            text = (
                f"{post['rps']:,.0f} posts/s accepted in one process "
                f"({post['sustained_rps']:,.0f}/s counting the time to drain their fan-out)"
            )
            best = post["rps"]
            if split:
                text += (
                    f"; {split['rps']:,.0f}/s with a separate worker process "
                    f"({split['sustained_rps']:,.0f}/s incl. drain)"
                )
                best = max(best, split["rps"])
            out.append(_check("POST /api/v1/statuses", b, "≥ 1,000 posts/s", text, best >= 1000))
        depth = results["config"]["fan_feed_depth"]
        regular = [f for f in r["fanout"] if f.get("feed_depth", depth) == depth]
        big = next((f for f in regular if f["followers"] == 100_000), None)
        limit = FANOUT_TARGET.get(b, 15.0)
        if big is None:
            largest = max((f["followers"] for f in regular), default=0)
            out.append(
                _check(
                    "fan-out to 100k followers",
                    b,
                    f"< {limit:g} s",
                    f"not run (largest tier {k(largest)})",
                    None,
                )
            )
        else:
            s = big["seconds"]
            out.append(
                _check(
                    "fan-out to 100k followers",
                    b,
                    f"< {limit:g} s",
                    "timed out" if s is None else f"{s:.2f} s",
                    s is not None and s < limit,
                )
            )
        sc = r["scaling"]
        if len(sc) >= 2 and all(s["p50_ms"] > 0 for s in (sc[0], sc[-1])):
            first, last = sc[0], sc[-1]
            growth = last["p50_ms"] / first["p50_ms"] - 1 if first["p50_ms"] else 0.0
            out.append(
                _check(
                    f"home timeline p50 flat, {k(first['posts'])} to {k(last['posts'])} posts",
                    b,
                    "within 20% (10k → 1M posts)",
                    f"{first['p50_ms']:.2f} → {last['p50_ms']:.2f} ms ({growth:+.0%})",
                    growth <= 0.2,
                )
            )
    return out


def _scaling_cells(backend: str, s: dict[str, Any]) -> list[Any]:
    """A home-timeline-against-size row: posts, backend, req/s, p50, p99, first read, RSS."""
    return [f"{s['posts']:,}", backend, f"{s['rps']:,.0f}", s["p50_ms"], s["p99_ms"],
            s["cold_ms"], s.get("rss_mb")]  # fmt: skip


def _larger_runs(results: dict[str, Any], source: str) -> list[str]:
    """Other results files in bench/results that measured the home timeline at more posts
    than this run (`--sizes ...,10000000`): those sizes' rows, each with its own ceiling."""
    top = max((s["posts"] for r in results["backends"].values() for s in r["scaling"]), default=0)
    rows = []
    for f in sorted((ROOT / "bench" / "results").glob("*.json")):
        if f.name == Path(source).name:
            continue
        other = json.loads(f.read_text())
        run = f"`{f.name}` ({other['git']['commit'][:7]})"
        for b, r in other.get("backends", {}).items():
            if not any(s["posts"] > top for s in r.get("scaling", [])):
                continue
            ceiling = r.get("ceiling", {}).get("rps")
            for s in r["scaling"]:
                if s["posts"] <= top:
                    continue  # this run measured those sizes itself
                rows.append([*_scaling_cells(b, s), f"{ceiling:,.0f}" if ceiling else "", run])
    if not rows:
        return []
    head = ["posts", "backend", "req/s", "p50 ms", "p99 ms", "first read ms", "web RSS MiB"]
    return [
        "Larger sizes, from separate runs (each with the hello-world ceiling of its own run):",
        "",
        _table([*head, "ceiling req/s", "run"], rows),
        "",
    ]


def _quick_runs_since(results: dict[str, Any], source: str) -> list[str]:
    """Quick runs (`make bench-quick`) made after this run, each endpoint's figures: what
    changed since, measured at the quick run's smaller size with its own ceiling."""
    if results["mode"] == "quick":
        return []
    rows = []
    for f in sorted((ROOT / "bench" / "results").glob("*-quick.json")):
        other = json.loads(f.read_text())
        if f.name == Path(source).name or other["started_at"] <= results["started_at"]:
            continue
        run = f"`{f.name}` ({other['git']['commit'][:7]})"
        for b, r in other.get("backends", {}).items():
            posts = max((s["posts"] for s in r.get("scaling", [])), default=0)
            for key, label in ENDPOINTS:
                e = r.get("endpoints", {}).get(key)
                if e:
                    ratio = f"{e['ratio']:.2f}" if e.get("ratio") is not None else "—"
                    cells = [e["p50_ms"], e["p99_ms"], f"{posts:,}"]
                    rows.append([label, b, f"{e['rps']:,.0f}", ratio, *cells, run])
    if not rows:
        return []
    head = ["endpoint", "backend", "req/s", "÷ ceiling", "p50 ms", "p99 ms", "posts", "run"]
    return [
        "Quick runs since this one (smaller data, each with the ceiling of its own run):",
        "",
        _table(head, rows),
        "",
    ]


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def _table(head: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(results: dict[str, Any], source: str) -> str:
    m, g, cfg = results["machine"], results["git"], results["config"]
    backends = results["backends"]
    wrk = (m["wrk"] or "wrk").split(" Copyright")[0]
    mark = {"pass": "✅ pass", "fail": "❌ fail", "not measured": "— not measured"}
    out = [
        "# Benchmarks",
        "",
        f"Generated by `make bench{'-quick' if results['mode'] == 'quick' else ''}` from "
        f"[`{source}`](../{source}); do not edit by hand. How to run it and what it measures: "
        "[bench/README.md](../bench/README.md).",
        "",
        f"- **Run**: {results['mode']} mode, {results['started_at']}, {results['seconds']:.0f} s; "
        f"commit `{g['commit'][:10]}`"
        + (f" plus {g['changed_files']} uncommitted files" if g["changed_files"] else ""),
        f"- **Machine**: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; "
        f"Python {m['python']}, uvicorn {m['uvicorn']}, Starlette {m['starlette']}, {wrk}",
        f"- **Load**: the server on core 0, wrk (1 thread, {cfg['connections']} connections, "
        f"closed loop) on core 1, {cfg['seconds']:g} s per measured run after "
        f"{cfg['warmup']:g} s of warm-up. Load average {m['loadavg_at_start'][0]} at the start "
        f"and {m['loadavg_at_end'][0]} at the end (2 cores): other work on the machine shows "
        "as *core busy* above *server CPU* in the tables.",
        f"- **Data**: {cfg['users']:,} users with power-law followers, up to "
        f"{cfg['sizes'][-1]:,} posts; fan-out tiers "
        f"{', '.join(k(t) for t in cfg['fanout'])} followers, and {cfg['fanout_full']:,} "
        "followers with full feeds.",
        "",
        "## Targets",
        "",
        _table(
            ["target", "goal", "measured", "status"],
            [
                [c["name"], c["target"], c["measured"], mark.get(c["status"], c["status"])]
                for c in results["checks"]
            ],
        ),
        "",
        f"## Throughput and latency at {cfg['sizes'][-1]:,} posts",
        "",
        "![Requests per second per endpoint and backend](benchmarks/throughput.png)",
        "",
    ]
    rows = []
    for b, r in backends.items():
        c = r.get("ceiling")
        if c:
            rows.append(
                [
                    "hello-world ceiling",
                    b,
                    f"{c['rps']:,.0f}",
                    "1.00",
                    c["p50_ms"],
                    c["p99_ms"],
                    c["errors"],
                    c["server_cpu_pct"],
                    c["core_busy_pct"],
                ]
            )
        for key, label in ENDPOINTS:
            e = r["endpoints"].get(key)
            if e:
                ratio = f"{e['ratio']:.2f}" if e.get("ratio") is not None else "—"
                rows.append(
                    [
                        label,
                        b,
                        f"{e['rps']:,.0f}",
                        ratio,
                        e["p50_ms"],
                        e["p99_ms"],
                        e["errors"],
                        e["server_cpu_pct"],
                        e["core_busy_pct"],
                    ]
                )
    out += [
        _table(
            [
                "endpoint",
                "backend",
                "req/s",
                "÷ ceiling",
                "p50 ms",
                "p99 ms",
                "errors",
                "server CPU %",
                "core busy %",
            ],
            rows,
        ),
        "",
    ]
    out += [
        "Home, account timeline and context are read as an authenticated user following "
        "~250 accounts (20 statuses a page; the thread has 3 ancestors and ~22 descendants).",
        "",
    ]
    out += [
        "## Home timeline against data size",
        "",
        "![Home timeline latency against posts](benchmarks/latency-vs-size.png)",
        "",
    ]
    rows = [
        [*_scaling_cells(b, s), s.get("peak_rss_mb")]
        for b, r in backends.items()
        for s in r["scaling"]
    ]
    out += [
        _table(
            [
                "posts",
                "backend",
                "req/s",
                "p50 ms",
                "p99 ms",
                "first read (feed rebuild) ms",
                "web RSS MiB",
                "peak RSS MiB",
            ],
            rows,
        ),
        "",
    ]
    out += _larger_runs(results, source)
    out += _quick_runs_since(results, source)
    out += ["## Fan-out", "", "![Fan-out time against followers](benchmarks/fanout.png)", ""]
    rows = [
        [
            f"{f['followers']:,}",
            f.get("feed_depth", "?"),
            b,
            "timed out" if f["seconds"] is None else f"{f['seconds']:.2f}",
            f["post_ms"],
        ]
        for b, r in backends.items()
        for f in r["fanout"]
    ]
    out += [
        _table(
            [
                "followers",
                "entries in each follower's feed",
                "backend",
                "seconds to the last follower's feed",
                "POST ms",
            ],
            rows,
        ),
        "",
    ]
    out += [
        "Measured from sending the POST to the status id appearing in the feed of the follower "
        "fan-out reaches last (polled every 5 ms through the FeedStore). The tiers' followers "
        "have short feeds, so that 100k of them can be seeded; the tier with full feeds "
        "(800 entries, the cap, as a long-active account's) shows what a push costs then.",
        "",
    ]
    out += ["## Posting and the job queue", ""]
    rows = []
    for b, r in backends.items():
        for key, how in (("post", "one process"), ("post_split", "web + `roost worker`")):
            p = r["endpoints"].get(key)
            if not p:
                continue
            worker = f"{p['worker_cpu_pct']:.0f}" if "worker_cpu_pct" in p else ""
            rows.append(
                [
                    b,
                    how,
                    f"{p['rps']:,.0f}",
                    p["p99_ms"],
                    f"{p['server_cpu_pct']:.0f}",
                    worker,
                    p["followers"],
                    p["jobs_backlog"],
                    p["drain_seconds"],
                    p["jobs_left"],
                    f"{p['sustained_rps']:,.0f}",
                ]
            )
    out += [
        _table(
            [
                "backend",
                "processes",
                "accepted posts/s",
                "p99 ms",
                "web CPU %",
                "worker CPU %",
                "poster's active followers",
                "fan-out jobs queued at the end",
                "drain s",
                "left after drain",
                "posts/s incl. drain",
            ],
            rows,
        ),
        "",
    ]
    out += [
        "*One process*: `roost serve` runs the job worker in the same process, on the same "
        "core, so posting and fanning out share it. *Web + `roost worker`*: `roost serve "
        "--no-worker` on the same core, and a `roost worker` process on the load generator's "
        "core doing the fan-out, as an instance scaled out on one machine would run; both "
        "write to the one SQLite file (or PostgreSQL + Redis). CPU % is of one core over the "
        "load.",
        "",
    ]
    if results.get("media"):
        out += ["## Media processing", ""]
        names = {"photo_12mp_jpeg": "a 12 MP photo (JPEG)",
                 "screenshot_1080p_png": "a 1080p screenshot (PNG)"}  # fmt: skip
        rows = [
            [names.get(k, k), _size(v["bytes"]), v["per_second"], v["ms_each"]]
            for k, v in results["media"].items()
        ]
        out += [
            _table(["upload", "size", "processed per second (one core)", "ms each"], rows),
            "",
            "What the media job does with each upload (bench/media.py): decode, turn upright, "
            "bound to 8.3 MP, make the preview, re-encode without metadata, compute the "
            "blurhash. A picture is processed while its upload request waits (in a thread, "
            "off the event loop); video, audio and animated GIFs in the job worker.",
            "",
        ]
    out += ["## Memory of the web process", ""]
    rows = [
        [b, r.get("memory", {}).get("rss_mb"), r.get("memory", {}).get("peak_rss_mb")]
        for b, r in backends.items()
    ]
    out += [_table(["backend", "RSS after the run (MiB)", "peak RSS (MiB)"], rows), ""]
    traced = [(b, name, t) for b, r in backends.items() for name, t in r.get("sql", {}).items()]
    if traced:
        out += [
            "## SQL per request",
            "",
            "One request per endpoint run in-process after the load (caches warm), with each "
            "statement timed. *Other* is the request's time outside SQL statements: building "
            "queries, rendering, encoding.",
            "",
        ]
        rows = []
        for b, name, t in traced:
            slow: list[Any] = t["statements"][0] if t["statements"] else [0, ""]
            sql = str(slow[1])[:90].replace("|", "\\|")
            rows.append(
                [
                    name,
                    b,
                    t["wall_ms"],
                    t["queries"],
                    t["sql_ms"],
                    round(t["wall_ms"] - t["sql_ms"], 2),
                    f"{slow[0]} ms: `{sql}…`",
                ]
            )
        out += [
            _table(
                [
                    "endpoint",
                    "backend",
                    "wall ms",
                    "queries",
                    "SQL ms",
                    "other ms",
                    "slowest statement",
                ],
                rows,
            ),
            "",
        ]
    profiled = {b: r["profiles"] for b, r in backends.items() if r.get("profiles")}
    if profiled:
        out += ["## Where the time goes (py-spy, self time by package)", ""]
        rows = []
        for b, profs in profiled.items():
            for name, p in profs.items():
                top = ", ".join(f"{a} {pct}%" for a, pct in p["areas"][:6])
                rows.append([name, b, p["samples"], top])
        out += [_table(["endpoint", "backend", "samples", "self time by package"], rows), ""]
    out += ["## Seeding", ""]
    rows = [
        [
            b,
            r["seed"].get("accounts"),
            r["seed"].get("follows"),
            r["seed"].get("statuses"),
            ", ".join(
                f"{k.removesuffix('_seconds')} {v} s"
                for k, v in r["seed"].items()
                if k.endswith("_seconds")
            ),
        ]
        for b, r in backends.items()
    ]
    out += [
        _table(["backend", "accounts", "follows", "statuses (with those posted)", "time"], rows),
        "",
    ]
    return "\n".join(out)


def render(path: Path) -> None:
    results = json.loads(path.read_text())
    charts(results)
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(markdown(results, str(path.resolve().relative_to(ROOT))))


def newest() -> Path:
    files = sorted((ROOT / "bench" / "results").glob("*.json"))
    if not files:
        raise SystemExit("no results in bench/results/: run `make bench-quick` first")
    return max(files, key=lambda f: json.loads(f.read_text()).get("started_at", ""))


if __name__ == "__main__":
    render(Path(sys.argv[1]) if len(sys.argv) > 1 else newest())
    print(f"Rendered {DOC.relative_to(ROOT)}")
