"""Domain errors. Actions and queries raise them; the API answers them as Mastodon's
`{"error": "..."}` with `status`, and the web pages show `message` to the person."""

from __future__ import annotations


class RoostError(Exception):
    """An error the person or client is told about, with its HTTP status."""

    status = 400

    def __init__(
        self, message: str, *, status: int | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.headers = headers or {}


class NotFound(RoostError):
    status = 404

    def __init__(self, message: str = "Record not found") -> None:
        super().__init__(message)


class Forbidden(RoostError):
    status = 403


class Invalid(RoostError):
    """Input that breaks a rule: 422 with Mastodon's "Validation failed: ..." wording."""

    status = 422

    def __init__(self, message: str) -> None:
        super().__init__(f"Validation failed: {message}")


class Unauthorized(RoostError):
    status = 401


class RateLimited(RoostError):
    status = 429


class Busy(RoostError):
    """The database stayed locked by another process too long; nothing was written."""

    status = 503


class Unavailable(RoostError):
    """A backend the request needs (Redis) cannot be reached right now; nothing else could
    stand in for it."""

    status = 503

    def __init__(self, message: str = "A backend is unavailable; try again in a moment") -> None:
        super().__init__(message, headers={"Retry-After": "5"})
