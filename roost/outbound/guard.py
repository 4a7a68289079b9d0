"""The address guard: which addresses an outbound request may reach, checked where the
connection is made.

The check sits in httpcore's network backend, the one place that opens sockets: the host
is resolved once, every address it resolves to is checked, and the socket is opened to
the checked address itself. A name whose DNS answer changes between a check and a connect
(DNS rebinding) therefore cannot reach a private address, and since the request still
names the host, its Host header, TLS SNI and certificate check are the host's own. Every
redirect hop opens its connection through here too. Pooled connections were checked when
they were opened; the pool keys them by host name.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundError(Exception):
    """An outbound request that did not get a response (or got one too large)."""


class Refused(OutboundError):
    """The request would reach an address Roost does not talk to (loopback, private...)."""


def is_public(ip: IPAddress) -> bool:
    """Whether `ip` is a global unicast address (what a remote server has)."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return is_public(mapped)
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global  # shared address space (100.64/10), documentation ranges...
    )


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (getaddrinfo runs in a thread: it blocks)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"{host} could not be resolved: {exc}") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise httpcore.ConnectError(f"{host} has no address")
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses the guard allows."""

    def __init__(self, *, allow_private: bool, trusted: Iterable[str] = ()) -> None:
        self.allow_private = allow_private
        # Addresses allowed even when private (tests trust their own 127.0.0.1 this way
        # and can then check that a redirect elsewhere is refused).
        self.trusted = frozenset(ipaddress.ip_address(a) for a in trusted)
        self._inner = httpcore.AnyIOBackend()

    def allows(self, ip: IPAddress) -> bool:
        return self.allow_private or ip in self.trusted or is_public(ip)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109  # httpcore's signature
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await asyncio.wait_for(resolve(host, port), timeout)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        # Any refused address refuses the host: picking the allowed ones would let a name
        # that also resolves to a private address probe it when the public one is down.
        for ip in addresses:
            if not self.allows(ip):
                raise Refused(f"{host} resolves to {ip}, which is not a public address")
        error: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109  # httpcore's signature
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise Refused("outbound requests do not use Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
