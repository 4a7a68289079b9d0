"""Reading an uploaded CSV as Mastodon does (app/models/form/import.rb): its type's
columns, with or without their header line, within Mastodon's limits. A file that is not
of its kind, too large, or not a CSV at all is refused whole: nothing is imported."""

from __future__ import annotations

import csv
import io
from typing import Any

from roost.errors import RoostError

FILE_SIZE_LIMIT = 20 * 1024 * 1024  # Mastodon's 20 MB
ROWS_PROCESSING_LIMIT = 20_000

EXPECTED_HEADERS = {
    "following": ("Account address", "Show boosts", "Notify on new posts", "Languages"),
    "blocking": ("Account address",),
    "muting": ("Account address", "Hide notifications"),
    "domain_blocking": ("#domain",),
    "bookmarks": ("#uri",),
    "lists": ("List name", "Account address"),
}
TYPES = tuple(EXPECTED_HEADERS)
KNOWN_FIRST_HEADERS = frozenset(h[0] for h in EXPECTED_HEADERS.values())
ATTRIBUTE_BY_HEADER = {
    "Account address": "acct",
    "Show boosts": "show_reblogs",
    "Notify on new posts": "notify",
    "Languages": "languages",
    "Hide notifications": "hide_notifications",
    "#domain": "domain",
    "#uri": "uri",
    "List name": "list_name",
}
# ActiveModel::Type::Boolean: these are false, a blank is nil, anything else true.
_FALSE = frozenset({"0", "f", "false", "off", "no", "n"})


class ImportRefused(RoostError):
    """The file as a whole is not importable (why is the message)."""

    status = 422


def _boolean(value: str | None) -> bool | None:
    if value is None or not value.strip():
        return None
    return value.strip().lower() not in _FALSE


def _convert(header: str, value: str | None) -> Any:
    if header in ("Show boosts", "Notify on new posts", "Hide notifications"):
        return _boolean(value)
    if header == "Languages":
        langs = [x.strip() for x in (value or "").split(",") if x.strip()]
        return langs or None
    if value is None:
        return None
    if header == "Account address":
        return value.strip().removeprefix("@") or None
    if header == "#domain":
        return value.strip().lower() or None
    return value.strip() or None


def parse_import(kind: str, data: bytes) -> list[dict[str, Any]]:
    """The rows of an uploaded file for an import of `kind`, as dicts of Mastodon's row
    attributes (`acct`, `show_reblogs`, `domain`, `uri`, `list_name` ...); ImportRefused
    with the reason when the file cannot be imported."""
    if kind not in EXPECTED_HEADERS:
        raise ImportRefused("Unknown import type")
    if len(data) > FILE_SIZE_LIMIT:
        raise ImportRefused("This file is too large (the limit is 20 MB)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused("This file is not a CSV file (it is not UTF-8 text)") from exc
    if "\x00" in text:
        raise ImportRefused("This file is not a CSV file")
    try:
        lines = [
            row for row in csv.reader(io.StringIO(text, newline=""), strict=True)
            if any(cell.strip() for cell in row)
        ]  # fmt: skip
    except csv.Error as exc:
        raise ImportRefused(f"This file is not a valid CSV file: {exc}") from exc
    if not lines:
        raise ImportRefused("This file is empty")
    expected = EXPECTED_HEADERS[kind]
    first = [cell.strip() for cell in lines[0]]
    if first and first[0] in KNOWN_FIRST_HEADERS:
        headers, body = first, lines[1:]
    else:  # Mastodon's older exports (and blocks, domain blocks, bookmarks, lists) have none
        headers, body = list(expected), lines
    if not all(h in headers for h in expected):
        raise ImportRefused(
            "This file is not an export of this kind: its columns are "
            + ", ".join(headers)
            + "; expected "
            + ", ".join(expected)
        )
    if len(body) > ROWS_PROCESSING_LIMIT:
        raise ImportRefused(
            f"This file has more rows than can be imported at once "
            f"(at most {ROWS_PROCESSING_LIMIT:,})"
        )
    wanted = [(i, h) for i, h in enumerate(headers) if h in ATTRIBUTE_BY_HEADER]
    return [
        {ATTRIBUTE_BY_HEADER[h]: _convert(h, row[i] if i < len(row) else None) for i, h in wanted}
        for row in body
    ]
