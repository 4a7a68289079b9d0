"""API errors are domain errors with an explicit status (see roost.errors)."""

from __future__ import annotations

from roost.errors import RoostError


class ApiError(RoostError):
    """An error a client gets as `{"error": message}` with HTTP status `status`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message, status=status, headers=headers)
