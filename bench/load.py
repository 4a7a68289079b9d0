"""Servers pinned to one core, wrk pinned to the other, and what the kernel says they used.

wrk is a closed loop: `connections` requests in flight at all times, so its req/s is the
server's capacity on its core and its latencies are those at that load. Each run reports
how busy the server's core was and how much of that was the server itself: on a shared
machine the difference is other processes' noise (or, on PostgreSQL + Redis, the
database and Redis running beside the server).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

SERVER_CORE = 0
WRK_CORE = 1
CLK_TCK = os.sysconf("SC_CLK_TCK")

DONE_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,\"connect_errors\":%d," ..
    "\"read_errors\":%d,\"write_errors\":%d,\"status_errors\":%d,\"timeouts\":%d," ..
    "\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f," ..
    "\"mean_us\":%.1f}\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_script(token: str | None) -> str:
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"\n' if token else ""
    return 'wrk.method = "GET"\n' + auth + DONE_LUA


def post_script(token: str, texts: list[str], nonce: str) -> str:
    """POST form bodies cycling through `texts`, each made unique with a counter."""
    bodies = ",\n  ".join(json.dumps("status=" + quote_plus(t)) for t in texts)
    return (
        'wrk.method = "POST"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f"local bodies = {{\n  {bodies}\n}}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        f'  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1] .. "+{nonce}-" .. n)\n'
        "end\n" + DONE_LUA
    )


def _cpu_ticks(core: int) -> tuple[int, int]:
    """(busy, total) jiffies of one core so far."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(f"cpu{core} "):
                v = [int(x) for x in line.split()[1:]]
                idle = v[3] + v[4]
                return sum(v) - idle, sum(v)
    raise RuntimeError(f"no cpu{core} in /proc/stat")


def _proc_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def rss_mb(pid: int) -> dict[str, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM), in MiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key = "rss_mb" if line.startswith("VmRSS") else "peak_rss_mb"
                out[key] = round(int(line.split()[1]) / 1024, 1)
    return out


@dataclass
class WrkResult:
    rps: float
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    errors: int  # socket errors, timeouts and non-2xx/3xx answers
    non_2xx: int
    server_cpu_pct: float  # the server process's CPU time / wall time
    core_busy_pct: float  # how busy the server's core was (anyone)
    loadavg: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Server:
    """A server process pinned to SERVER_CORE (or `core`); stopped with SIGINT like a
    terminal would."""

    def __init__(
        self, cmd: list[str], env: dict[str, str], log: Path, port: int, core: int = SERVER_CORE
    ) -> None:
        self.port = port
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self._logf = log.open("ab")
        self.proc = subprocess.Popen(
            ["taskset", "-c", str(core), *cmd],
            env=env,
            stdout=self._logf,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parent.parent,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}); see {self.log}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server not ready after {timeout:.0f}s; see {self.log}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._logf.close()


def _roost() -> list[str]:
    exe = Path(sys.executable).parent / "roost"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "from roost.cli import main; main()"]


def roost_command(port: int, *, worker: bool = True) -> list[str]:
    """`roost serve`; without `worker`, with --no-worker (jobs left to `roost worker`)."""
    return [
        *_roost(), "serve", "--host", "127.0.0.1", "--port", str(port),
        *([] if worker else ["--no-worker"]),
    ]  # fmt: skip


def worker_command() -> list[str]:
    return [*_roost(), "worker"]


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far."""
    return _proc_ticks(pid) / CLK_TCK


def hello_command(port: int) -> list[str]:
    return [sys.executable, "-m", "bench.hello", "--host", "127.0.0.1", "--port", str(port)]


def wrk(
    url: str,
    script: Path,
    *,
    seconds: float,
    connections: int,
    server_pid: int,
    threads: int = 1,
) -> WrkResult:
    """One wrk run pinned to WRK_CORE, with the server core's accounting around it."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: run scripts/install-bench.sh")
    cmd = [
        "taskset",
        "-c",
        str(WRK_CORE),
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds:g}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        url,
    ]
    load = os.getloadavg()[0]
    busy0, total0 = _cpu_ticks(SERVER_CORE)
    proc0 = _proc_ticks(server_pid)
    t0 = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    wall = time.monotonic() - t0
    busy1, total1 = _cpu_ticks(SERVER_CORE)
    proc1 = _proc_ticks(server_pid)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stdout}\n{out.stderr}")
    d = json.loads(line.split(" ", 1)[1])
    secs = d["duration_us"] / 1e6
    errors = sum(d[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return WrkResult(
        rps=round(d["requests"] / secs, 1),
        requests=d["requests"],
        seconds=round(secs, 2),
        p50_ms=round(d["p50_us"] / 1000, 2),
        p90_ms=round(d["p90_us"] / 1000, 2),
        p99_ms=round(d["p99_us"] / 1000, 2),
        p999_ms=round(d["p999_us"] / 1000, 2),
        max_ms=round(d["max_us"] / 1000, 2),
        errors=errors + d["status_errors"],
        non_2xx=d["status_errors"],
        server_cpu_pct=round(100 * (proc1 - proc0) / CLK_TCK / wall, 1),
        core_busy_pct=round(100 * (busy1 - busy0) / max(1, total1 - total0), 1),
        loadavg=round(load, 2),
    )


def http(
    method: str, url: str, token: str | None, body: bytes | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> tuple[int, Any]:  # fmt: skip
    """One request (checks before a wrk run, and fan-out posts): (status, parsed JSON)."""
    req = urllib.request.Request(url, data=body, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")
