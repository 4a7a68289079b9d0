"""The charts of docs/benchmarks.md, from one results file (matplotlib, PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

IMG = Path(__file__).resolve().parent.parent / "docs" / "benchmarks"
ENDPOINTS = [
    ("home", "home timeline"),
    ("home_rich", "home timeline, rich page"),
    ("notifications_grouped", "grouped notifications, 10k favourites"),
    ("home_filtered", "home timeline, three muted words"),
    ("search", "search posts (a common word)"),
    ("account", "account timeline"),
    ("context", "thread context"),
    ("post", "POST /api/v1/statuses"),
]
COLOURS = {"sqlite": "#3b7dd8", "postgres+redis": "#d8663b"}
FANOUT_TARGET = {"sqlite": 15.0, "postgres+redis": 5.0}


def k(n: int) -> str:
    """10000 → "10k", 1000000 → "1M"."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}"


def charts(results: dict[str, Any]) -> None:
    """docs/benchmarks/{throughput,latency-vs-size,fanout}.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    IMG.mkdir(parents=True, exist_ok=True)
    backends = list(results["backends"])
    # Only the endpoints this run measured (older results lack the newer ones).
    runs = list(results["backends"].values())
    endpoints = [(k, n) for k, n in ENDPOINTS if any(k in r["endpoints"] for r in runs)]
    # Throughput: req/s per endpoint and backend (log scale), and each as a share of the
    # ceiling measured in the same run.
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.5), dpi=110, width_ratios=[5, 4])
    labels = ["hello-world\nceiling", *[n.replace(" /api", "\n/api") for _, n in endpoints]]
    width = 0.8 / max(1, len(backends))
    for bi, b in enumerate(backends):
        r = results["backends"][b]
        ceiling = r.get("ceiling", {}).get("rps", 0)
        vals = [ceiling] + [r["endpoints"].get(k, {}).get("rps", 0) for k, _ in endpoints]
        offset = (bi - (len(backends) - 1) / 2) * width
        bars = ax.bar(
            [i + offset for i in range(len(vals))], vals, width, label=b, color=COLOURS.get(b)
        )
        for bar, v in zip(bars, vals, strict=True):
            ax.annotate(
                f"{v:,.0f}",
                (bar.get_x() + bar.get_width() / 2, max(v, 1)),
                ha="center",
                va="bottom",
                fontsize=7,
            )
        ratios = [v / ceiling if ceiling else 0 for v in vals[1:]]
        bars = ax2.bar(
            [i + offset for i in range(len(ratios))], ratios, width, label=b, color=COLOURS.get(b)
        )
        for bar, v in zip(bars, ratios, strict=True):
            ax2.annotate(
                f"{v:.2f}",
                (bar.get_x() + bar.get_width() / 2, v),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    ax.set_yscale("log")
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylabel("requests / s on one core (log scale)")
    ax.set_title("Throughput on one pinned core", fontsize=10)
    ax.legend(fontsize=8)
    ax.margins(y=0.2)
    ax2.axhline(0.5, color="grey", linestyle="--", linewidth=1, label="target for home (0.5)")
    ax2.set_xticks(range(len(endpoints)), labels[1:], fontsize=8)
    ax2.set_ylim(0, 1.05)
    ax2.set_ylabel("share of the hello-world ceiling")
    ax2.set_title("Ratio to the ceiling of the same run", fontsize=10)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(IMG / "throughput.png")
    plt.close(fig)
    # Home-timeline latency against data size.
    fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
    for b in backends:
        sc = results["backends"][b]["scaling"]
        xs = [s["posts"] for s in sc]
        ax.plot(xs, [s["p50_ms"] for s in sc], "o-", color=COLOURS.get(b), label=f"{b} p50")
        ax.plot(
            xs, [s["p99_ms"] for s in sc], "s--", color=COLOURS.get(b), label=f"{b} p99", alpha=0.7
        )
        if sc:
            ax.fill_between(
                xs, sc[0]["p50_ms"], sc[0]["p50_ms"] * 1.2, color=COLOURS.get(b), alpha=0.12
            )
    ax.axhline(20, color="grey", linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    sizes = results["config"]["sizes"]
    ax.set_xticks(sizes, [k(n) for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel("posts in the database")
    ax.set_ylabel("latency (ms, log scale)")
    ax.set_title(
        "Home timeline latency vs data size (band: +20% of the first p50; dotted: 20 ms)",
        fontsize=9,
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(IMG / "latency-vs-size.png")
    plt.close(fig)
    # Fan-out time against followers.
    fig, ax = plt.subplots(figsize=(10, 4), dpi=110)
    depth = results["config"]["fan_feed_depth"]
    for b in backends:
        done = [f for f in results["backends"][b]["fanout"] if f["seconds"] is not None]
        fo = [f for f in done if f.get("feed_depth", depth) == depth]
        full = [f for f in done if f.get("feed_depth", depth) != depth]
        ax.plot(
            [f["followers"] for f in fo],
            [f["seconds"] for f in fo],
            "o-",
            color=COLOURS.get(b),
            label=f"{b} ({depth} entries in each feed)",
        )
        if full:
            ax.plot(
                [f["followers"] for f in full],
                [f["seconds"] for f in full],
                "D",
                color=COLOURS.get(b),
                markerfacecolor="none",
                markersize=8,
                label=f"{b} (full feeds: {full[0]['feed_depth']} entries)",
            )
        for f in done:
            ax.annotate(
                f"{f['seconds']:.2f} s",
                (f["followers"], f["seconds"]),
                fontsize=7,
                textcoords="offset points",
                xytext=(4, -10),
            )
        ax.plot(
            [100_000],
            [FANOUT_TARGET.get(b, 15)],
            marker="_",
            markersize=20,
            color=COLOURS.get(b),
            linestyle="none",
            label=f"{b} target at 100k",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ticks = sorted(
        {100_000} | {f["followers"] for r in results["backends"].values() for f in r["fanout"]}
    )
    ax.set_xticks(ticks, [k(t) for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("followers")
    ax.set_ylabel("seconds (log scale)")
    ax.set_title("Fan-out: POST until the last follower's feed has it", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fig.savefig(IMG / "fanout.png")
    plt.close(fig)
