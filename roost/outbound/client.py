"""Outbound HTTP: one pooled httpx client per instance, with timeouts, a size cap, a bounded
number of redirects (each hop's address checked again by the guard) and Roost's user agent.

Callers run in jobs, never in a request: a slow remote delays only its own job, and then
at most `total_timeout` seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import httpcore
import httpx

from roost import __version__
from roost.config import Settings
from roost.outbound.guard import GuardedBackend, OutboundError

Method = Literal["GET", "POST"]
REDIRECTS = (301, 302, 303, 307, 308)


class TooLarge(OutboundError):
    """The response body is larger than the cap."""


class Timeout(OutboundError):
    """The remote was too slow: to connect, between bytes, or in all."""


class TooManyRedirects(OutboundError):
    """More redirects than allowed."""


class Unreachable(OutboundError):
    """The remote could not be reached (no such host, connection refused or reset...)."""


class BadURL(OutboundError):
    """Not an http(s) URL with a host."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: httpx.Headers  # case-insensitive
    body: bytes
    url: str  # after redirects


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport on a connection pool whose sockets are opened by the guard."""

    def __init__(self, backend: GuardedBackend, limits: httpx.Limits) -> None:
        super().__init__(trust_env=False, limits=limits)
        # httpx has no parameter for httpcore's network backend: the pool is built again
        # with it (the same arguments httpx passes, with the default SSL context).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


class Outbound:
    """The instance's outbound HTTP client. Close it with `aclose()`."""

    def __init__(
        self,
        settings: Settings,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        total_timeout: float = 20.0,
        max_bytes: int = 2_000_000,
        max_redirects: int = 3,
        trusted_addresses: tuple[str, ...] = (),
    ) -> None:
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.user_agent = f"Roost/{__version__} (+{settings.base_url}/)"
        self.guard = GuardedBackend(
            allow_private=settings.allow_private_network, trusted=trusted_addresses
        )
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._client = httpx.AsyncClient(
            transport=_GuardedTransport(self.guard, limits),
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            follow_redirects=False,  # followed here, so that each hop is checked
            trust_env=False,
            headers={"User-Agent": self.user_agent},
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        follow_redirects: bool = True,
        time_limit: float | None = None,
    ) -> Response:
        """GET `url`, following up to `max_redirects` redirects."""
        return await self.request(
            "GET", url, headers=headers, max_bytes=max_bytes,
            follow_redirects=follow_redirects, time_limit=time_limit,
        )  # fmt: skip

    async def post(
        self,
        url: str,
        body: bytes,
        *,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        follow_redirects: bool = False,
        time_limit: float | None = None,
    ) -> Response:
        """POST `body` to `url` (redirects are returned, not followed, unless asked)."""
        return await self.request(
            "POST", url, body=body, headers=headers, max_bytes=max_bytes,
            follow_redirects=follow_redirects, time_limit=time_limit,
        )  # fmt: skip

    async def request(
        self,
        method: Method,
        url: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        follow_redirects: bool = True,
        time_limit: float | None = None,
    ) -> Response:
        """Send one request; raise an `OutboundError` unless a response (of any status)
        came back whole within the time and size limits. `time_limit` (seconds) bounds the
        whole exchange, redirects included, instead of `total_timeout`."""
        total = time_limit if time_limit is not None else self.total_timeout
        try:
            async with asyncio.timeout(total):
                return await self._follow(
                    method, url, body, dict(headers or {}), max_bytes or self.max_bytes,
                    follow_redirects,
                )  # fmt: skip
        except TimeoutError as exc:
            raise Timeout(f"{url}: no complete answer in {total:g} s") from exc

    async def _follow(
        self,
        method: Method,
        url: str,
        body: bytes | None,
        headers: dict[str, str],
        max_bytes: int,
        follow_redirects: bool,
    ) -> Response:
        for _hop in range(self.max_redirects + 1):
            response = await self._send(method, url, body, headers, max_bytes)
            location = response.headers.get("location")
            if not (follow_redirects and response.status in REDIRECTS and location):
                return response
            url = str(httpx.URL(url).join(location))
            if response.status in (301, 302, 303) and method != "GET":
                method, body = "GET", None  # as browsers do
            headers.pop("Authorization", None)  # never to another host's hands
        raise TooManyRedirects(f"{url}: more than {self.max_redirects} redirects")

    async def _send(
        self, method: Method, url: str, body: bytes | None, headers: dict[str, str], max_bytes: int
    ) -> Response:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise BadURL(f"{url!r} is not a valid URL") from exc
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise BadURL(f"{url!r} is not an http(s) URL")
        request = self._client.build_request(method, parsed, content=body, headers=headers)
        try:
            response = await self._client.send(request, stream=True)
            try:
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise TooLarge(f"{url}: {declared} bytes, more than {max_bytes}")
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:  # stop reading: the rest is never downloaded
                        raise TooLarge(f"{url}: more than {max_bytes} bytes")
                    chunks.append(chunk)
            finally:
                await response.aclose()
        except httpx.TimeoutException as exc:
            raise Timeout(f"{url}: {type(exc).__name__}") from exc
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise Unreachable(f"{url}: {exc or type(exc).__name__}") from exc
        return Response(response.status_code, response.headers, b"".join(chunks), str(parsed))
