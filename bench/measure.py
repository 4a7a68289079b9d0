"""One backend's benchmark: seed in growing sizes, and at each size serve and measure.

At every size: the home timeline (cold: the first read rebuilds the feed; then warm under
wrk) and the web process's memory. At the largest size also: the hello-world ceiling,
the account timeline, thread context, fan-out to each tier, and POST /api/v1/statuses
(last, since its fan-out jobs pile up), then how long the job queue takes to drain.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa

from bench import filtered, gen, grouped, load, rich, seed
from bench.backends import Instance
from bench.config import Config, post_texts
from bench.profile import summarise
from bench.sqltrace import Call, trace
from roost.accounts.passwords import hash_password
from roost.backends import build_backends
from roost.db import Database
from roost.db.migrate import upgrade
from roost.feeds import FEED_CAP
from roost.instance import Roost
from roost.jobs.tables import jobs

Log = Callable[[str], None]
# Full-text search for one of the generator's common words (in ~6% of posts).
SEARCH = "/api/v2/search?q=coffee&type=statuses&limit=20"


class BackendRun:
    def __init__(
        self, inst: Instance, net: gen.Network, cfg: Config, work: Path, progress: Any, log: Log
    ) -> None:
        self.inst, self.net, self.cfg, self.work = inst, net, cfg, work
        self.progress, self.log = progress, log
        self.db = Database(inst.settings.database_url)
        self.backends = build_backends(inst.settings, self.db)
        self.feeds = self.backends.feeds
        self.out: dict[str, Any] = {
            "versions": inst.info,
            "seed": {},
            "scaling": [],
            "endpoints": {},
            "fanout": [],
            "profiles": {},
        }
        self.stamp = time.strftime("%Y%m%d-%H%M%S")
        self.scripts = work / f"lua-{inst.name.replace('+', '-')}"
        self.scripts.mkdir(parents=True, exist_ok=True)

    # --- picking who to measure as -------------------------------------------------

    def _pick(self) -> None:
        net = self.net
        active = [i for i in range(net.size) if not net.inactive[i] and i >= 40]
        self.reader = min(active, key=lambda i: abs(len(net.following[i]) - 250))
        self.poster = min(active, key=lambda i: abs(net.followers[i] - 100))
        self.poster_followers = [
            u
            for u in range(net.size)
            if self.poster in set(net.following[u]) and not net.inactive[u]
        ]
        self.author = 0  # the most active and most followed account

    # --- seeding --------------------------------------------------------------------

    async def _seed_to(self, size: int, done: int, counts: dict[int, tuple[int, int]]) -> None:
        ks = [(k, str(self.work / "cache")) for k in range(done // gen.CHUNK, size // gen.CHUNK)]
        (self.work / "cache").mkdir(parents=True, exist_ok=True)
        task = self.progress.add_task(f"posts → {size:,}", total=len(ks) * gen.CHUNK)
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(2, initializer=gen._init_worker, initargs=(self.net,)) as pool:
            it = pool.imap(gen._worker_chunk, ks)
            for _ in ks:
                chunk = await asyncio.to_thread(next, it)
                self.progress.advance(task, await seed.seed_chunk(self.db, chunk, counts))
        await seed.update_post_counts(self.db, counts)

    async def _seed_extras(self) -> None:
        """After the first size: the thread, the fan-out tiers and the tokens."""
        self.thread_status = await seed.seed_thread(self.db, self.net)
        # The thread's fan-out jobs run here, through Roost's worker, before any feed is
        # warmed: setup work must not spill into the measurements.
        roost = Roost(self.inst.settings)
        try:
            await roost.start_worker_once()
        finally:
            await roost.close()
            await roost.db.dispose()
        n = self.net.size
        entries = await seed.recent_entries(self.db, self.cfg.fan_feed_depth)
        group = seed.FanGroup(n + 1, seed.FAN_FOLLOW_BASE, "")
        self.tiers = await seed.seed_fans(
            self.db,
            self.feeds,
            self.net,
            self.cfg.fanout,
            entries,
            self.password_hash,
            self.progress,
            group,
        )
        # One more tier whose followers' feeds are full (FEED_CAP entries), as a long-active
        # account's are: what each push costs once feeds are at their cap.
        full = await seed.recent_entries(self.db, FEED_CAP)
        group = seed.FanGroup(n + max(self.cfg.fanout) + 64, seed.FAN_FOLLOW_BASE * 2, "full")
        self.tiers += await seed.seed_fans(
            self.db,
            self.feeds,
            self.net,
            [self.cfg.fanout_full],
            full,
            self.password_hash,
            self.progress,
            group,
        )
        self.tokens = {
            "reader": await seed.make_token(self.db, gen.account_id(self.reader)),
            "poster": await seed.make_token(self.db, gen.account_id(self.poster)),
            **{t.username: await seed.make_token(self.db, t.account_id) for t in self.tiers},
        }

    # --- measuring ------------------------------------------------------------------

    def _script(self, name: str, text: str) -> Path:
        path = self.scripts / f"{name}.lua"
        path.write_text(text)
        return path

    async def _wrk(
        self, server: load.Server, path: str, script: Path, seconds: float
    ) -> load.WrkResult:
        if self.cfg.warmup > 0:
            await asyncio.to_thread(
                load.wrk,
                server.base + path,
                script,
                seconds=self.cfg.warmup,
                connections=self.cfg.connections,
                server_pid=server.pid,
            )
        return await asyncio.to_thread(
            load.wrk,
            server.base + path,
            script,
            seconds=seconds,
            connections=self.cfg.connections,
            server_pid=server.pid,
        )

    async def _pending_jobs(self) -> int:
        return int(
            await self.db.scalar(
                sa.select(sa.func.count())
                .select_from(jobs)
                .where(jobs.c.state.in_(("queued", "running")))
            )
            or 0
        )

    async def _drain(self, limit: float) -> tuple[float, int]:
        """Wait (at most `limit` s) for the job queue to empty; (seconds, jobs left)."""
        t0 = time.monotonic()
        # Polling: the queue belongs to another process.
        while (left := await self._pending_jobs()) and time.monotonic() - t0 < limit:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        return round(time.monotonic() - t0, 2), left

    def _start(self, cmd: list[str], port: int, ready: str, label: str) -> load.Server:
        server = load.Server(cmd, self.inst.env, self._log_path(label), port)
        server.wait_ready(ready)
        return server

    def _log_path(self, label: str) -> Path:
        return self.work / "logs" / self.stamp / f"{self.inst.name.replace('+', '-')}-{label}.log"

    def _start_worker(self) -> load.Server:
        """A `roost worker` process on wrk's core (the server's stays the web process's)."""
        log = self._log_path("worker")
        worker = load.Server(load.worker_command(), self.inst.env, log, 0, core=load.WRK_CORE)
        deadline = time.monotonic() + 60
        while "started" not in (log.read_text() if log.exists() else ""):
            if worker.proc.poll() is not None or time.monotonic() > deadline:
                worker.stop()
                raise RuntimeError(f"roost worker did not start; see {log}")
            time.sleep(0.1)
        return worker

    async def _ceiling(self) -> None:
        port = load.free_port()
        server = self._start(load.hello_command(port), port, "/", "hello")
        try:
            status, body = load.http("GET", server.base + "/", None)
            if status != 200 or body != {"hello": "world"}:
                raise RuntimeError(f"hello: unexpected answer {status}: {body}")
            r = await self._wrk(
                server, "/", self._script("hello", load.get_script(None)), self.cfg.seconds
            )
        finally:
            server.stop()
        self.out["ceiling"] = r.as_dict()
        self.log(f"{self.inst.name}: ceiling {r.rps:,.0f} req/s, p99 {r.p99_ms} ms")

    async def _endpoint(
        self,
        server: load.Server,
        name: str,
        path: str,
        expect: Callable[[Any], bool],
        seconds: float,
        token: str | None = None,
    ) -> load.WrkResult:
        token = token or self.tokens["reader"]
        status, body = load.http("GET", server.base + path, token)
        if status != 200 or not expect(body):
            raise RuntimeError(f"{name}: unexpected answer {status}: {str(body)[:300]}")
        r = await self._wrk(server, path, self._script(name, load.get_script(token)), seconds)
        if r.non_2xx or r.errors:
            self.log(f"[red]{name}: {r.errors} errors ({r.non_2xx} non-2xx)[/red]")
        ceiling = self.out.get("ceiling", {}).get("rps")
        d = r.as_dict() | {
            "path": path.split("?")[0],
            "ratio": round(r.rps / ceiling, 3) if ceiling else None,
        }
        self.out["endpoints"][name] = d
        self.log(
            f"{self.inst.name}: {name} {r.rps:,.0f} req/s, p50 {r.p50_ms} ms, p99 {r.p99_ms} ms"
        )
        if self.cfg.profile and self.final:
            await self._profile(server, name, path)
        return r

    async def _fanout(self, server: load.Server) -> None:
        for tier in self.tiers:
            _, left = await self._drain(self.cfg.drain_timeout)
            body = urlencode(
                {
                    "status": f"Fan-out probe to {tier.followers:,} followers #bench "
                    f"{secrets.token_hex(4)}"
                }
            ).encode()
            t0 = time.perf_counter()
            status, data = await asyncio.to_thread(
                load.http,
                "POST",
                server.base + "/api/v1/statuses",
                self.tokens[tier.username],
                body,
            )
            post_ms = (time.perf_counter() - t0) * 1000
            if status != 200:
                raise RuntimeError(f"fan-out post failed {status}: {data}")
            sid = int(data["id"])
            seconds = None
            while time.perf_counter() - t0 < 300:
                if sid in (await self.feeds.page(tier.last_follower, limit=5) or []):
                    seconds = round(time.perf_counter() - t0, 3)
                    break
                await asyncio.sleep(0.005)
            self.out["fanout"].append(
                {
                    "followers": tier.followers,
                    "feed_depth": tier.feed_depth,
                    "seconds": seconds,
                    "post_ms": round(post_ms, 1),
                    "queue_before": left,
                }
            )
            self.log(
                f"{self.inst.name}: fan-out to {tier.followers:,} followers "
                f"({tier.feed_depth} in each feed): {seconds} s"
            )

    async def _post(
        self, server: load.Server, name: str = "post", worker: load.Server | None = None
    ) -> None:
        token = self.tokens["poster"]
        texts = post_texts(self.net)
        status, body = load.http(
            "POST",
            server.base + "/api/v1/statuses",
            token,
            urlencode({"status": texts[0] + " (check)"}).encode(),
        )
        if status != 200 or "id" not in body:
            raise RuntimeError(f"post: unexpected answer {status}: {str(body)[:300]}")
        await self._drain(self.cfg.drain_timeout)
        script = self._script(name, load.post_script(token, texts, secrets.token_hex(4)))
        worker_cpu = load.cpu_seconds(worker.pid) if worker is not None else 0.0
        r = await asyncio.to_thread(
            load.wrk,
            server.base + "/api/v1/statuses",
            script,
            seconds=self.cfg.seconds,
            connections=self.cfg.connections,
            server_pid=server.pid,
        )
        worker_cpu = load.cpu_seconds(worker.pid) - worker_cpu if worker is not None else 0.0
        backlog = await self._pending_jobs()
        drain, left = await self._drain(self.cfg.drain_timeout)
        if self.cfg.profile and worker is None:
            await self._profile(server, "post", "/api/v1/statuses")
        ceiling = self.out.get("ceiling", {}).get("rps")
        extra = {} if worker is None else {"worker_cpu_pct": round(100 * worker_cpu / r.seconds, 1)}
        self.out["endpoints"][name] = (
            r.as_dict()
            | extra
            | {
                "path": "/api/v1/statuses",
                "ratio": round(r.rps / ceiling, 3) if ceiling else None,
                "jobs_backlog": backlog,
                "drain_seconds": drain,
                "jobs_left": left,
                "sustained_rps": round(r.requests / (r.seconds + drain), 1),
                "followers": len(self.poster_followers),
            }
        )
        self.log(
            f"{self.inst.name}: {name} {r.rps:,.0f} req/s (p99 {r.p99_ms} ms); "
            f"{backlog} fan-out jobs queued, drained in {drain} s ({left} left)"
        )

    async def _profile(self, server: load.Server, name: str, path: str) -> None:
        """A separate wrk run under py-spy (sampling 250 Hz), after the measured ones."""
        raw = (
            self.work.parent
            / "profiles"
            / self.stamp
            / f"{self.inst.name.replace('+', '-')}-{name}.txt"
        )
        raw.parent.mkdir(parents=True, exist_ok=True)
        exe = Path(sys.executable).parent / "py-spy"
        spy = await asyncio.create_subprocess_exec(
            *[
                str(exe) if exe.exists() else "py-spy",
                "record",
                "-p",
                str(server.pid),
                "-d",
                str(int(self.cfg.seconds)),
                "-r",
                "250",
                "-f",
                "raw",
                "-o",
                str(raw),
                "--nonblocking",
            ],
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await asyncio.sleep(0.5)
        script = self.scripts / f"{name}.lua"
        await asyncio.to_thread(
            load.wrk,
            server.base + path,
            script,
            seconds=self.cfg.seconds,
            connections=self.cfg.connections,
            server_pid=server.pid,
        )
        await asyncio.wait_for(spy.wait(), 60)
        if raw.exists():
            self.out["profiles"][name] = summarise(raw) | {"file": str(raw)}

    async def _serve_and_measure(self, size: int, final: bool) -> None:
        self.final = final
        reader = gen.account_id(self.reader)
        await self.feeds.drop(reader)  # the first read rebuilds it: the cold figure
        if final:
            await seed.warm_feeds(
                self.db, self.feeds, [gen.account_id(u) for u in self.poster_followers]
            )
            await self._ceiling()
        port = load.free_port()
        server = self._start(load.roost_command(port), port, "/api/v1/instance", f"roost-{size}")
        try:
            await self._drain(self.cfg.drain_timeout)
            home = "/api/v1/timelines/home"
            t0 = time.perf_counter()
            status, _ = load.http("GET", server.base + home, self.tokens["reader"])
            cold_ms = round((time.perf_counter() - t0) * 1000, 1)
            if status != 200:
                raise RuntimeError(f"home: first read answered {status}")
            seconds = self.cfg.seconds if final else self.cfg.scale_seconds
            r = await self._endpoint(
                server, "home", home, lambda b: isinstance(b, list) and len(b) == 20, seconds
            )
            self.out["scaling"].append(
                {
                    "posts": size,
                    "rps": r.rps,
                    "p50_ms": r.p50_ms,
                    "p99_ms": r.p99_ms,
                    "cold_ms": cold_ms,
                }
                | load.rss_mb(server.pid)
            )
            if not final:
                self.out["endpoints"].pop("home")
                return
            self.out["endpoints"]["home"]["cold_ms"] = cold_ms
            author = gen.account_id(self.author)
            await self._endpoint(
                server,
                "account",
                f"/api/v1/accounts/{author}/statuses",
                lambda b: isinstance(b, list) and len(b) == 20,
                self.cfg.seconds,
            )
            await self._endpoint(
                server,
                "context",
                f"/api/v1/statuses/{self.thread_status}/context",
                lambda b: (
                    isinstance(b, dict) and len(b["ancestors"]) == 3 and len(b["descendants"]) > 10
                ),
                self.cfg.seconds,
            )
            rich_token = await self._rich_home(server)
            await self._filtered_home(server)
            await self._compare(server, rich_token)
            await self._viral(server)
            await self._endpoint(
                server,
                "search",
                SEARCH,
                lambda b: isinstance(b, dict) and len(b["statuses"]) == 20,
                self.cfg.seconds,
            )
            await self._fanout(server)
            await self._post(server)
            self.out["memory"] = load.rss_mb(server.pid)
        finally:
            server.stop()
        if final:
            await self._post_split()
            await self._sql_trace()

    async def _filtered_home(self, server: load.Server) -> None:
        """Home read by the same reader with three muted words (bench/filtered.py)."""
        token = self.tokens["reader"]
        made = filtered.add(server.base, token)
        try:
            await self._endpoint(
                server,
                "home_filtered",
                "/api/v1/timelines/home",
                lambda b: isinstance(b, list) and len(b) == 20,
                self.cfg.seconds,
            )
        finally:
            filtered.remove(server.base, token, made)

    async def _compare(self, server: load.Server, rich_token: str) -> None:
        """Plain home against the rich page and the filtered one, in alternating rounds:
        each round measures the three in turn, and each is compared with the plain run of
        its own round. The median of those paired changes is what the targets read: a
        slow drift in the machine's speed (a 2-core VM's neighbours) moves both sides of a
        pair alike, where one run of each, minutes apart, can differ by 10% on its own."""
        home = "/api/v1/timelines/home"
        reader = self.tokens["reader"]
        runs: dict[str, list[load.WrkResult]] = {"home": [], "home_rich": [], "home_filtered": []}
        seconds = self.cfg.compare_seconds
        for _ in range(self.cfg.compare_rounds):
            for name, token in (("home", reader), ("home_rich", rich_token)):
                script = self._script(name, load.get_script(token))
                runs[name].append(await self._wrk(server, home, script, seconds))
            made = filtered.add(server.base, reader)
            try:
                script = self._script("home_filtered", load.get_script(reader))
                runs["home_filtered"].append(await self._wrk(server, home, script, seconds))
            finally:
                filtered.remove(server.base, reader, made)
        for name, results in runs.items():
            if bad := sum(r.errors + r.non_2xx for r in results):
                self.log(f"[red]{name}, alternating: {bad} errors or non-2xx answers[/red]")
        plain = [r.rps for r in runs["home"]]
        out: dict[str, Any] = {"rounds": self.cfg.compare_rounds, "seconds": seconds}
        for name in ("home_rich", "home_filtered"):
            rps = [r.rps for r in runs[name]]
            changes = [round(x / h - 1, 4) for x, h in zip(rps, plain, strict=True)]
            median = statistics.median(changes)
            out[name] = {"home_rps": plain, "rps": rps, "changes": changes,
                         "median_change": median}  # fmt: skip
            self.log(
                f"{self.inst.name}: {name} against home, alternating: "
                + ", ".join(f"{c:+.1%}" for c in changes)
                + f" (median {median:+.1%})"
            )
        self.out["comparisons"] = out

    async def _viral(self, server: load.Server) -> None:
        """Grouped notifications with a group of 10,000 favourites (bench/grouped.py)."""
        skip = {self.reader, self.poster, self.author, *self.poster_followers}
        author = next(u for u in range(1, 40) if u not in skip and not self.net.inactive[u])
        token, fans = await grouped.seed_viral(self.db, server.base, self.net, author)
        await self._endpoint(
            server,
            "notifications_grouped",
            "/api/v2/notifications",
            lambda b: grouped.check(b, fans),
            self.cfg.seconds,
            token,
        )
        self.out["endpoints"]["notifications_grouped"] |= {"favourites": fans}

    async def _rich_home(self, server: load.Server) -> str:
        """Home with polls (some voted in) and quotes in the page (bench/rich.py); the
        rich page reader's token."""
        skip = {self.reader, self.poster, self.author, *self.poster_followers}
        reader, authors = rich.pick(self.net, self.reader, skip)
        page = await rich.seed_page(
            self.db, server.base, self.net, reader, authors, post_texts(self.net),
            self.thread_status,
        )  # fmt: skip
        await self._drain(self.cfg.drain_timeout)
        home = "/api/v1/timelines/home"
        await self._endpoint(
            server, "home_rich", home, lambda b: rich.check(b, page), self.cfg.seconds, page.token
        )
        self.out["endpoints"]["home_rich"] |= {
            "polls": page.polls,
            "quotes": page.quotes,
            "media": page.media,
        }
        return page.token

    async def _post_split(self) -> None:
        """POST again with the jobs in a separate `roost worker` process (`roost serve
        --no-worker` on the server's core, the worker on wrk's): how a busier instance
        would run, the web process doing only the posting."""
        port = load.free_port()
        server = self._start(
            load.roost_command(port, worker=False), port, "/api/v1/instance", "roost-split"
        )
        try:
            worker = self._start_worker()
            try:
                await self._post(server, "post_split", worker)
            finally:
                worker.stop()
        finally:
            server.stop()

    async def _sql_trace(self) -> None:
        reader, poster = self.tokens["reader"], self.tokens["poster"]
        author = gen.account_id(self.author)
        calls: list[Call] = [
            ("home", "GET", "/api/v1/timelines/home", reader, None),
            ("account", "GET", f"/api/v1/accounts/{author}/statuses", reader, None),
            ("context", "GET", f"/api/v1/statuses/{self.thread_status}/context", reader, None),
            ("search", "GET", SEARCH, reader, None),
            ("post", "POST", "/api/v1/statuses", poster, {"status": post_texts(self.net)[0]}),
        ]
        self.out["sql"] = await trace(self.inst.settings, calls)
        for name, t in self.out["sql"].items():
            self.log(
                f"{self.inst.name}: {name} in-process {t['wall_ms']} ms, "
                f"{t['queries']} queries taking {t['sql_ms']} ms"
            )

    async def run(self) -> dict[str, Any]:
        cfg = self.cfg
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
        self._pick()
        self.password_hash = hash_password(seed.PASSWORD)
        await upgrade(self.inst.settings.database_url)
        t0 = time.monotonic()
        await seed.seed_network(self.db, self.net, self.password_hash, self.progress)
        self.out["seed"]["network_seconds"] = round(time.monotonic() - t0, 1)
        counts: dict[int, tuple[int, int]] = {}
        done = 0
        try:
            for idx, size in enumerate(cfg.sizes):
                os.sched_setaffinity(0, range(os.cpu_count() or 1))
                t0 = time.monotonic()
                await self._seed_to(size, done, counts)
                self.out["seed"][f"posts_{size}_seconds"] = round(time.monotonic() - t0, 1)
                done = size
                if idx == 0:
                    t0 = time.monotonic()
                    await self._seed_extras()
                    self.out["seed"]["fanout_seconds"] = round(time.monotonic() - t0, 1)
                if not self.db.is_sqlite:
                    # A bulk load leaves PostgreSQL without statistics until autovacuum
                    # gets to it; a settled database has them (stale ones misplanned the
                    # fan-out's follower query: ~100 ms per page of 1,000).
                    await self.db.execute(sa.text("ANALYZE"))
                # While measuring, this process (polling, checks) stays off the server's core.
                os.sched_setaffinity(0, {load.WRK_CORE})
                await self._serve_and_measure(size, idx == len(cfg.sizes) - 1)
            self.out["seed"].update(await self._counts())
        finally:
            await self.backends.close()
            await self.db.dispose()
        self.out["who"] = {
            "reader_following": len(self.net.following[self.reader]),
            "poster_followers": self.net.followers[self.poster],
            "poster_active_followers": len(self.poster_followers),
            "author_posts": counts.get(self.author, (0, 0))[0],
        }
        return self.out

    async def _counts(self) -> dict[str, int]:
        from roost.accounts.tables import accounts
        from roost.graph.tables import follows
        from roost.statuses.tables import statuses

        out = {}
        for name, table in (("accounts", accounts), ("follows", follows), ("statuses", statuses)):
            out[name] = int(
                await self.db.scalar(sa.select(sa.func.count()).select_from(table)) or 0
            )
        return out
