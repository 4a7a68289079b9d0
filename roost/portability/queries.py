"""One's imports and archives, as the settings pages show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from roost.db import Database
from roost.errors import NotFound
from roost.portability.tables import archives, imports


@dataclass(frozen=True)
class ImportView:
    id: int
    type: str
    overwrite: bool
    state: str
    filename: str
    total_items: int
    processed_items: int
    imported_items: int
    failures: list[dict[str, Any]]
    created_at: datetime
    finished_at: datetime | None

    @property
    def failed_items(self) -> int:
        return self.processed_items - self.imported_items

    @property
    def percent(self) -> int:
        return 100 if not self.total_items else self.processed_items * 100 // self.total_items


@dataclass(frozen=True)
class ArchiveView:
    id: int
    state: str
    total_items: int
    processed_items: int
    size: int
    parts: int
    file_key: str | None
    created_at: datetime
    finished_at: datetime | None


_IMPORT_COLUMNS = [c for c in imports.c if c.name not in ("rows", "account_id")]
_SUMMARY_COLUMNS = [c for c in _IMPORT_COLUMNS if c.name != "failures"]


def _import(row: Any, failures: bool = True) -> ImportView:
    return ImportView(
        id=int(row.id), type=row.type, overwrite=bool(row.overwrite), state=row.state,
        filename=row.filename, total_items=int(row.total_items),
        processed_items=int(row.processed_items), imported_items=int(row.imported_items),
        failures=list(row.failures) if failures else [], created_at=row.created_at,
        finished_at=row.finished_at,
    )  # fmt: skip


async def imports_of(db: Database, owner: int, limit: int = 20) -> list[ImportView]:
    """One's latest imports (without their rows or failures)."""
    rows = await db.fetch_all(
        sa.select(*_SUMMARY_COLUMNS)
        .where(imports.c.account_id == owner)
        .order_by(imports.c.id.desc())
        .limit(limit)
    )
    return [_import(r, failures=False) for r in rows]


async def access_import(db: Database, owner: int, import_id: int) -> ImportView:
    """One of one's imports, with its failures; NotFound for anyone else's."""
    row = await db.fetch_one(
        sa.select(*_IMPORT_COLUMNS).where(imports.c.id == import_id, imports.c.account_id == owner)
    )
    if row is None:
        raise NotFound()
    return _import(row)


def _archive(row: Any) -> ArchiveView:
    return ArchiveView(
        id=int(row.id), state=row.state, total_items=int(row.total_items),
        processed_items=int(row.processed_items), size=int(row.size), parts=int(row.parts),
        file_key=row.file_key, created_at=row.created_at, finished_at=row.finished_at,
    )  # fmt: skip


async def archives_of(db: Database, owner: int) -> list[ArchiveView]:
    rows = await db.fetch_all(
        sa.select(archives).where(archives.c.account_id == owner).order_by(archives.c.id.desc())
    )
    return [_archive(r) for r in rows]


async def access_archive(db: Database, owner: int, archive_id: int) -> ArchiveView:
    """One of one's ready archives; NotFound otherwise."""
    row = await db.fetch_one(
        sa.select(archives).where(
            archives.c.id == archive_id, archives.c.account_id == owner, archives.c.state == "ready"
        )
    )
    if row is None:
        raise NotFound()
    return _archive(row)
