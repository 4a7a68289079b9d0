"""Which addresses may not reach the instance at all (`no_access` IP blocks), held in each
process's memory so that the check on every request costs no query.

A change to the IP blocks publishes on IP_BLOCKS_CHANNEL: the instance that made it drops
its list at once (roost.instance delivers the event), the others when their listener
hears it; and every process reads the list again after RELOAD_SECONDS in any case, so a
missed message (Redis away) or an expiry costs at most that long."""

from __future__ import annotations

import logging
import time
from datetime import datetime

import sqlalchemy as sa

from roost.blocks.check import IpNetwork, clean_network, client_address
from roost.blocks.tables import ip_blocks
from roost.db import Database
from roost.timeutil import utcnow

IP_BLOCKS_CHANNEL = "internal:ip_blocks"
RELOAD_SECONDS = 60.0
log = logging.getLogger(__name__)

_NO_ACCESS = sa.select(ip_blocks.c.ip, ip_blocks.c.expires_at).where(
    ip_blocks.c.severity == "no_access"
)


class IpAccess:
    """One process's list of `no_access` ranges; `refused(ip)` asks it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._ranges: list[tuple[IpNetwork, datetime | None]] = []
        self._read_at: float | None = None  # monotonic time of the last read; None: stale

    def drop(self) -> None:
        """Read the list again before the next check (it changed)."""
        self._read_at = None

    async def _reload(self) -> None:
        try:
            rows = await self.db.fetch_all(_NO_ACCESS)
        except Exception:  # the database is away: keep the last list, try again shortly
            log.warning("could not read the IP blocks", exc_info=True)
            self._read_at = time.monotonic() - RELOAD_SECONDS + 5.0
            return
        now = utcnow()
        self._ranges = [
            (clean_network(row.ip), row.expires_at)
            for row in rows
            if row.expires_at is None or row.expires_at > now
        ]
        self._read_at = time.monotonic()

    async def refused(self, ip: str) -> bool:
        """Whether a `no_access` block in force covers `ip` (a client address)."""
        if self._read_at is None or time.monotonic() - self._read_at > RELOAD_SECONDS:
            await self._reload()
        if not self._ranges:
            return False
        address = client_address(ip)
        if address is None:
            return False
        now = None
        for network, expires_at in self._ranges:
            if address.version == network.version and address in network:
                now = now or utcnow()
                if expires_at is None or expires_at > now:
                    return True
        return False
