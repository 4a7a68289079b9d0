"""Stopping cleanly: on SIGTERM (or Ctrl-C) the server stops accepting and waits for the
requests in flight, but a live stream never ends by itself. Chained in front of uvicorn's
own handler, this sets `Roost.closing`, and each stream then ends as if the client had
left (SSE: the response is finished; WebSocket: closed with 1001, going away)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

from roost.instance import Roost

SIGNALS = (signal.SIGTERM, signal.SIGINT)


def close_streams_on_signal(roost: Roost) -> Callable[[], None]:
    """Hook SIGTERM and SIGINT (the server's handlers stay: they run next); returns what
    puts the previous handlers back. Does nothing off the main thread (in-process test
    servers), where signals cannot be handled."""
    loop = asyncio.get_running_loop()
    previous: dict[signal.Signals, Any] = {}

    def handler(signum: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(roost.closing.set)
        before = previous.get(signal.Signals(signum))
        if callable(before):
            before(signum, frame)

    try:
        for sig in SIGNALS:
            previous[sig] = signal.getsignal(sig)
            signal.signal(sig, handler)
    except ValueError:  # not the main thread
        previous.clear()

    def restore() -> None:
        for sig, before in previous.items():
            if signal.getsignal(sig) is handler:
                signal.signal(sig, before)

    return restore
