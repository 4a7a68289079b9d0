"""One Roost instance: its settings, database handle, backends and renderers, built once
by `create_app` (roost.app) and by the CLI, and handed to the HTTP layer and to jobs."""

from __future__ import annotations

import asyncio
import logging

from roost.accounts.renderer import AccountRenderer
from roost.accounts.throttles import Throttles
from roost.backends import build_backends
from roost.blocks.ip_access import IP_BLOCKS_CHANNEL, IpAccess
from roost.cache import Cache
from roost.config import Settings
from roost.db import Database, Outbox
from roost.feeds import FeedStore
from roost.jobs.worker import Worker
from roost.maintenance.state import Maintenance
from roost.media.backends import build_storage
from roost.media.storage import MediaStorage
from roost.oauth.queries import TOKEN_CHANNEL, TokenCache
from roost.ops.schedule import Scheduler
from roost.outbound import Outbound
from roost.pubsub import PubSub
from roost.push.vapid import with_vapid_keys
from roost.ratelimit import RateLimiter
from roost.statuses.render import invalidate
from roost.statuses.renderer import StatusRenderer

log = logging.getLogger("roost")
LISTEN_RETRY_SECONDS = 5.0


class Roost:
    """One instance's wiring. Its `db` delivers what its transactions set off (cache keys
    to drop, jobs to wake, live updates) to this instance's own backends: a second
    instance in the same process, on the same connections, never sees them."""

    def __init__(self, settings: Settings, db: Database | None = None) -> None:
        settings = with_vapid_keys(settings)  # made into the data dir on first start
        self.settings = settings
        db = db or Database(settings.database_url, sqlite_sync=settings.sqlite_sync)
        self.db = db.delivering_to(self._deliver)
        self.tokens = TokenCache()
        self.backends = build_backends(settings, self.db)
        self.feeds: FeedStore = self.backends.feeds
        self.list_feeds: FeedStore = self.backends.list_feeds
        self.limiter: RateLimiter = self.backends.limiter
        self.pubsub: PubSub = self.backends.pubsub
        self.cache: Cache = self.backends.cache
        self.throttles = Throttles(
            self.db,
            self.limiter,
            signups_per_address=settings.signup_limit,
            failed_sign_ins_per_address=settings.sign_in_limit,
            failed_sign_ins_per_account=settings.sign_in_account_limit,
        )
        self.maintenance = Maintenance(self.db)
        self.ip_access = IpAccess(self.db)  # `no_access` IP blocks, kept in memory
        # Outbound HTTP (Web Push): one guarded, pooled client, used by jobs only.
        self.outbound = Outbound(settings)
        self.media_storage: MediaStorage = build_storage(settings)
        # Set when the process is asked to stop (SIGTERM): live streams end cleanly, so
        # that the requests left are the short ones (roost.http.shutdown).
        self.closing = asyncio.Event()
        self.accounts = AccountRenderer(self.db, settings.base_url)
        self.statuses = StatusRenderer(
            self.db,
            self.cache,
            settings.base_url,
            self.media_storage,
        )
        self.worker: Worker | None = None
        self.scheduler: Scheduler | None = None

    async def _deliver(self, outbox: Outbox) -> None:
        """After a commit: drop stale cache entries, then wake the worker, then publish
        (a stream that renders on an event must see the new state)."""
        if outbox.stale:
            try:
                await invalidate(self.cache, outbox.stale)
            except Exception:  # the cache's TTL bounds how long a missed invalidation lasts
                log.exception("could not invalidate %d cache keys", len(outbox.stale))
        if outbox.jobs and self.worker is not None:
            self.worker.wake()
        for channel, message in outbox.events:
            if channel == IP_BLOCKS_CHANNEL:  # our own change: at once, not when heard
                self.ip_access.drop()
            try:
                await self.pubsub.publish(channel, message)
            except Exception:  # live updates are best-effort; the write has committed
                log.exception("could not publish to %s", channel)

    def start_listeners(self) -> asyncio.Future[tuple[None, None]]:
        """Listen for other processes' token revocations (and drop them from our cache)
        and IP block changes, and keep up with the maintenance switch."""

        async def listen() -> None:
            while True:  # Redis may be away a while (roost.outage): listen again after
                try:
                    subscription = await self.pubsub.subscribe([TOKEN_CHANNEL, IP_BLOCKS_CHANNEL])
                    try:
                        async for channel, message in subscription:
                            if channel == IP_BLOCKS_CHANNEL:
                                self.ip_access.drop()
                            else:
                                self.tokens.drop(message.decode())
                    finally:
                        await subscription.close()
                except asyncio.CancelledError:
                    raise
                except Exception:  # cached tokens expire in seconds: a gap costs little
                    log.warning("token revocations: listening again shortly", exc_info=True)
                await asyncio.sleep(LISTEN_RETRY_SECONDS)

        return asyncio.gather(listen(), self.maintenance.watch())

    def start_worker(self) -> asyncio.Task[None]:
        """Run the job worker in this process (`roost serve` without --no-worker, `roost
        worker`), and beside it the backup schedule when ROOST_BACKUP_DIR is set. The task
        ends once `close_worker()` has stopped both (each after its current work)."""
        self.worker = Worker(self)
        if self.settings.backup_dir is None:
            return asyncio.create_task(self.worker.run())
        self.scheduler = Scheduler(self.settings, self.db)

        async def run_both(worker: Worker, scheduler: Scheduler) -> None:
            await asyncio.gather(worker.run(), scheduler.run())

        return asyncio.create_task(run_both(self.worker, self.scheduler))

    async def start_worker_once(self) -> int:
        """Run every due job in this process, then return how many ran."""
        self.worker = Worker(self)
        return await self.worker.run_pending()

    def close_worker(self) -> None:
        """Stop the worker and the backup schedule, each after what it is doing now."""
        if self.worker is not None:
            self.worker.stop()
        if self.scheduler is not None:
            self.scheduler.stop()

    async def close(self) -> None:
        """Stop the worker and close the backends (the database stays open: it may be
        shared; `db.dispose()` closes it)."""
        self.close_worker()
        await self.backends.close()
        await self.outbound.aclose()
