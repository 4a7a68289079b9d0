"""Importing Mastodon CSVs (Mastodon's BulkImportService and BulkImportRowService): the
upload is checked whole and stored with its rows; a job then applies them a batch at a
time through the same actions a person's clicks run (follow, block, mute, bookmark, list),
recording progress and each failed row with its reason. Every row's effect is idempotent,
so a batch run twice (a worker killed mid-way) or a file imported twice changes nothing
more. Only local accounts exist until federation: another server's accounts are skipped."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from roost.accounts.queries import account_shown
from roost.accounts.tables import accounts
from roost.db import Database
from roost.db.prepared import any_of
from roost.errors import RoostError
from roost.ids import new_id
from roost.jobs.queue import enqueue
from roost.portability.overwrite import prepare
from roost.portability.parsing import TYPES, ImportRefused, parse_import
from roost.portability.rows import RowOutcome, apply_row
from roost.portability.tables import imports
from roost.timeutil import utcnow

IMPORT_JOB = "portability.import"
BATCH = 100  # rows per job run: progress shows at this step
MAX_FAILURES_KEPT = 1000
REMOTE = "Accounts on other servers cannot be imported yet (federation is not supported)"
UNKNOWN = "No such account on this server"


async def do_create_import(
    db: Database, account_id: int, kind: str, data: bytes, *, overwrite: bool, filename: str
) -> int:
    """Check an uploaded file (ImportRefused, nothing stored, when it cannot be imported)
    and queue its import; returns the import's id."""
    if kind not in TYPES:
        raise ImportRefused("Unknown import type")
    rows = parse_import(kind, data)
    import_id = new_id()
    async with db.transaction() as tx:
        await tx.execute(
            imports.insert(),
            [{"id": import_id, "account_id": account_id, "type": kind, "overwrite": overwrite,
              "state": "scheduled", "filename": filename[:255], "rows": rows,
              "total_items": len(rows), "failures": [], "created_at": utcnow()}],
        )  # fmt: skip
        await enqueue(tx, IMPORT_JOB, {"import": import_id})
    return import_id


_LOCAL_PATH = re.compile(r"/(?:users/[^/]+/statuses|@[^/]+)/(\d{1,20})/?")


def local_status_id(uri: str, domain: str) -> int | None:
    """The id of a local status from its URI or URL (`/users/a/statuses/1`, `/@a/1`)."""
    parts = urlsplit(uri)
    if parts.netloc.lower() != domain.lower():
        return None
    m = _LOCAL_PATH.fullmatch(parts.path)
    return int(m.group(1)) if m else None


def local_username(acct: str | None, domain: str) -> tuple[str | None, str]:
    """(username, "") for a local address (`user` or `user@this.domain`), else (None, why)."""
    if not acct:
        return None, "No account address"
    user, _, host = acct.partition("@")
    host = host.lower()
    if host and host not in (domain.lower(), domain.lower().split(":", 1)[0]):
        return None, REMOTE
    if not re.fullmatch(r"[A-Za-z0-9_]{1,30}", user):
        return None, "Not an account address"
    return user, ""


async def resolve(db: Database, rows: list[dict[str, Any]], domain: str) -> dict[str, int]:
    """Lower-cased usernames of the rows' local accounts → account ids (one query)."""
    names = sorted(
        {u.lower() for r in rows if (u := local_username(r.get("acct"), domain)[0]) is not None}
    )
    if not names:
        return {}
    found = await db.fetch_all(_RESOLVE, {"names": names})
    return {r.username_lower: int(r.id) for r in found}


_RESOLVE = sa.select(accounts.c.id, accounts.c.username_lower).where(
    any_of(accounts.c.username_lower, "names", text=True), account_shown()
)


async def run_import(db: Database, import_id: int, domain: str) -> bool:
    """Apply the import's next batch of rows (first, for `overwrite`, undo what the file
    leaves out). Returns whether rows remain (the job queues itself again)."""
    row = await db.fetch_one(sa.select(imports).where(imports.c.id == import_id))
    if row is None or row.state == "finished":
        return False
    owner, kind = int(row.account_id), row.type
    rows: list[dict[str, Any]] = list(row.rows)
    if row.state == "scheduled":
        await prepare(db, owner, kind, rows, overwrite=bool(row.overwrite), domain=domain,
                      resolve=resolve, status_id_of=local_status_id)  # fmt: skip
        await db.execute(
            imports.update().where(imports.c.id == import_id).values(state="in_progress")
        )
    start = int(row.processed_items)
    batch = rows[start : start + BATCH]
    ids = await resolve(db, batch, domain)
    imported = 0
    failures: list[dict[str, Any]] = list(row.failures)
    for n, data in enumerate(batch, start=start + 1):
        outcome = await _apply(db, owner, kind, data, ids, domain)
        if outcome.ok:
            imported += 1
        elif len(failures) < MAX_FAILURES_KEPT:
            failures.append({"row": n, "value": outcome.value, "reason": outcome.reason})
    done = start + len(batch)
    finished = done >= len(rows)
    async with db.transaction() as tx:
        moved = await tx.execute(
            imports.update()
            .where(imports.c.id == import_id, imports.c.processed_items == start)
            .values(
                processed_items=done,
                imported_items=imports.c.imported_items + imported,
                failures=failures,
                state="finished" if finished else "in_progress",
                finished_at=utcnow() if finished else None,
            )
        )
        if moved.rowcount and not finished:  # (a run that lost a race queues nothing)
            await enqueue(tx, IMPORT_JOB, {"import": import_id})
    return not finished


async def _apply(
    db: Database, owner: int, kind: str, data: dict[str, Any], ids: dict[str, int], domain: str
) -> RowOutcome:
    if kind in ("domain_blocking", "bookmarks"):
        target = None
    else:
        user, why = local_username(data.get("acct"), domain)
        value = str(data.get("acct") or "")
        if user is None:
            return RowOutcome(False, value, why)
        target = ids.get(user.lower())
        if target is None:
            return RowOutcome(False, value, UNKNOWN)
    try:
        return await apply_row(db, owner, kind, data, target, domain, local_status_id)
    except RoostError as exc:
        value = str(data.get("acct") or data.get("domain") or data.get("uri") or "")
        return RowOutcome(False, value, exc.message.removeprefix("Validation failed: "))
