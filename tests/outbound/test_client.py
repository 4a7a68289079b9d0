"""The outbound client against a real HTTP server on 127.0.0.1: the address guard (off and
on), redirects re-checked hop by hop, the size cap, timeouts, and what is sent."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import AsyncIterator, Iterator

import pytest

from roost.config import Settings
from roost.outbound import (
    BadURL,
    Outbound,
    Refused,
    Timeout,
    TooLarge,
    TooManyRedirects,
    Unreachable,
    is_public,
)
from tests.outbound.server import Answer, Receiver, receiver


@pytest.fixture
def server() -> Iterator[Receiver]:
    with receiver() as r:
        yield r


def _settings(allow: bool) -> Settings:
    return Settings(domain="roost.example", https=True, allow_private_network=allow)


@pytest.fixture
async def guarded() -> AsyncIterator[Outbound]:
    client = Outbound(_settings(False))
    yield client
    await client.aclose()


@pytest.fixture
async def open_client() -> AsyncIterator[Outbound]:
    client = Outbound(_settings(True), total_timeout=2.0, read_timeout=1.0, max_bytes=100_000)
    yield client
    await client.aclose()


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("93.184.215.14", True),
        ("::ffff:93.184.215.14", True),
        ("2606:4700::6810:84e5", True),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


async def test_loopback_is_refused_without_the_switch(guarded: Outbound, server: Receiver) -> None:
    with pytest.raises(Refused, match=r"127\.0\.0\.1"):
        await guarded.get(server.url("/"))
    with pytest.raises(Refused):
        await guarded.post(f"http://localhost:{server.port}/", b"x")
    with pytest.raises(Refused):
        await guarded.get(f"http://[::ffff:127.0.0.1]:{server.port}/")
    assert server.received == []


async def test_allowed_with_the_switch(open_client: Outbound, server: Receiver) -> None:
    server.answers["/hello"] = Answer(201, b"hi there", {"X-Thing": "1"})
    response = await open_client.get(server.url("/hello"), headers={"Accept": "text/plain"})
    assert response.status == 201
    assert response.body == b"hi there"
    assert response.headers["x-thing"] == "1"
    (got,) = server.received
    assert got.headers["User-Agent"] == "Roost/0.1.0 (+https://roost.example/)"
    assert got.headers["Accept"] == "text/plain"
    assert got.headers["Host"] == f"127.0.0.1:{server.port}"


async def test_post_sends_bytes_and_headers(open_client: Outbound, server: Receiver) -> None:
    server.answers["/inbox"] = Answer(202, b"")
    response = await open_client.post(
        server.url("/inbox"), b"\x00\x01binary", headers={"Content-Type": "application/x"}
    )
    assert response.status == 202
    (got,) = server.received
    assert got.method == "POST"
    assert got.body == b"\x00\x01binary"
    assert got.headers["Content-Type"] == "application/x"


async def test_non_2xx_statuses_are_responses(open_client: Outbound, server: Receiver) -> None:
    server.answers["/gone"] = Answer(410, b"gone")
    response = await open_client.get(server.url("/gone"))
    assert response.status == 410


async def test_size_cap(open_client: Outbound, server: Receiver) -> None:
    server.answers["/declared"] = Answer(200, b"x" * 200_000)
    server.answers["/streamed"] = Answer(200, stream_bytes=50_000_000)
    with pytest.raises(TooLarge):
        await open_client.get(server.url("/declared"))
    with pytest.raises(TooLarge):
        await open_client.get(server.url("/streamed"))
    small = await open_client.get(server.url("/declared"), max_bytes=300_000)
    assert len(small.body) == 200_000


async def test_timeout(open_client: Outbound, server: Receiver) -> None:
    server.answers["/slow"] = Answer(200, b"late", delay=3.0)
    with pytest.raises(Timeout):
        await open_client.get(server.url("/slow"))


async def test_total_timeout_bounds_a_trickle(server: Receiver) -> None:
    client = Outbound(_settings(True), total_timeout=0.5, read_timeout=5.0)
    server.answers["/slow"] = Answer(200, b"late", delay=1.5)
    try:
        with pytest.raises(Timeout, match=r"0\.5"):
            await client.get(server.url("/slow"))
        with pytest.raises(Timeout, match=r"0\.2"):  # a caller's own, shorter limit
            await client.post(server.url("/slow"), b"", time_limit=0.2)
        assert (await client.get(server.url("/slow"), time_limit=3)).body == b"late"
    finally:
        await client.aclose()


async def test_redirects_are_followed_and_bounded(open_client: Outbound, server: Receiver) -> None:
    server.answers["/a"] = Answer(302, b"", {"Location": "/b"})
    server.answers["/b"] = Answer(200, b"arrived")
    response = await open_client.get(server.url("/a"))
    assert response.body == b"arrived"
    assert response.url == server.url("/b")
    server.answers["/loop"] = Answer(301, b"", {"Location": "/loop"})
    with pytest.raises(TooManyRedirects):
        await open_client.get(server.url("/loop"))
    assert sum(r.path == "/loop" for r in server.received) == 4  # the first and 3 redirects
    posted = await open_client.post(server.url("/a"), b"body")
    assert posted.status == 302  # a POST's redirect is returned, not followed


async def test_redirect_to_a_private_address_is_refused(server: Receiver) -> None:
    # The server itself is trusted (as a public host would be); where it redirects is not.
    client = Outbound(_settings(False), trusted_addresses=("127.0.0.1",))
    server.answers["/ok"] = Answer(200, b"fine")
    server.answers["/jump"] = Answer(302, b"", {"Location": f"http://127.0.0.2:{server.port}/"})
    server.answers["/metadata"] = Answer(
        307, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    try:
        assert (await client.get(server.url("/ok"))).body == b"fine"
        with pytest.raises(Refused, match=r"127\.0\.0\.2"):
            await client.get(server.url("/jump"))
        with pytest.raises(Refused, match=r"169\.254\.169\.254"):
            await client.get(server.url("/metadata"))
    finally:
        await client.aclose()


async def test_bad_urls_and_unreachable_hosts(open_client: Outbound) -> None:
    for url in ("ftp://example.com/", "file:///etc/passwd", "http://", "not a url"):
        with pytest.raises(BadURL):
            await open_client.get(url)
    with pytest.raises(Unreachable):
        await open_client.get("http://127.0.0.1:1/")  # nothing listens on port 1
    with pytest.raises(Unreachable):
        await open_client.get("http://no-such-host.invalid/")


def test_settings_read_the_switch() -> None:
    assert Settings.from_env({"ROOST_ALLOW_PRIVATE_NETWORK": "1"}).allow_private_network
    assert not Settings.from_env({}).allow_private_network
    assert dataclasses.replace(_settings(False), allow_private_network=True).allow_private_network
