"""64-bit, time-sortable ids in Mastodon's style: unix milliseconds << 16 | sequence."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime

_lock = threading.Lock()
_last_ms = 0
# A random start per process keeps two processes that post in the same millisecond apart.
_seq = random.getrandbits(16)


def new_id() -> int:
    """A new id, strictly increasing within this process."""
    global _last_ms, _seq
    with _lock:
        ms = int(time.time() * 1000)
        if ms <= _last_ms:
            ms = _last_ms
            _seq = (_seq + 1) & 0xFFFF
            if _seq == 0:
                ms += 1
        else:
            _seq = random.getrandbits(12)
        _last_ms = ms
        return (ms << 16) | _seq


def id_at(when: datetime) -> int:
    """The smallest id that could have been made at `when` (for date-based paging)."""
    return int(when.timestamp() * 1000) << 16


def id_time(id_: int) -> datetime:
    return datetime.fromtimestamp((id_ >> 16) / 1000, UTC)
