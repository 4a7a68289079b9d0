"""Asking for a post's card, in the transaction that writes the post."""

from __future__ import annotations

from roost.db import Transaction
from roost.jobs.queue import enqueue

FETCH_CARD = "fetch_card"


async def queue_card(tx: Transaction, status_id: int, text: str, *, edited: bool = False) -> None:
    """Queue the job that finds the card of the post's first link, when its text has a link
    written with its scheme (the job reads the text again and decides). An edit queues it
    whenever the post had or has a link, so that a removed link drops its card."""
    if edited or "http://" in text or "https://" in text:
        await enqueue(tx, FETCH_CARD, {"status_id": status_id})
