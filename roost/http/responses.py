"""JSON responses, encoded with msgspec."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from starlette.responses import Response

_encoder = msgspec.json.Encoder()


def json_response(
    content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Encode `content` (Structs, dicts, lists) with msgspec as `application/json`."""
    return Response(
        _encoder.encode(content),
        status_code=status_code,
        headers=dict(headers) if headers else None,
        media_type="application/json",
    )
