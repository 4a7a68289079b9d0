"""Property tests of the parsing layer: whatever a client sends, parsing it answers a value
or one of Roost's own 4xx errors, never another exception (a 500)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from hypothesis import example, given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.types import Message

from roost.errors import RoostError
from roost.http.params import MAX_ID, Params, header, id_or_none, parse_id, parse_json_body

T = TypeVar("T")
fast = settings(deadline=None, database=None)  # CI machines vary; no example files in the tree

# Every character, lone surrogates and other scripts' digits included.
any_text = st.text(st.characters(exclude_categories=()), max_size=30)
digits = st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=22)
id_like = st.one_of(
    digits,
    st.integers(-(2**70), 2**70).map(str),
    st.integers(0, 2**64).map(lambda n: f"{n:025d}"),
    any_text,
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.floats(),  # NaN and infinities too: json.dumps writes them as NaN/Infinity
    any_text,
    digits,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(any_text | digits, inner, max_size=4)
    ),
    max_leaves=25,
)
NAMES = ["id", "max_id", "limit", "status", "duration", "poll[options]", "fields_attributes"]
names = st.one_of(st.sampled_from(NAMES), any_text)


def deep(depth: int, opener: bytes = b"[", closer: bytes = b"]") -> bytes:
    return b'{"a": ' + opener * depth + closer * depth + b"}"


raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.integers(0, 3000).map(deep),
    st.integers(0, 3000).map(lambda n: b"[" * n),
    st.integers(0, 200).map(lambda n: deep(n, b'{"k":', b"}")),
    st.integers(0, 200).map(lambda n: b'{"a": "' + b"[\\" * n + b'"}'),
    st.integers(0, 200).map(lambda n: b'"\\"' * n),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(names, json_values, max_size=6).map(lambda v: json.dumps(v).encode()),
)


def is_ours(exc: Exception) -> bool:
    return isinstance(exc, RoostError) and 400 <= exc.status < 500 and bool(exc.message)


def attempt(read: Callable[[], T]) -> T | Exception:
    """What `read` answers, or what it raised (for the test to judge)."""
    try:
        return read()
    except Exception as exc:
        return exc


def request(query: str = "", body: bytes = b"", ctype: str = "application/json",
            headers: list[tuple[bytes, bytes]] | None = None) -> Request:  # fmt: skip
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "query_string": query.encode(),
        "headers": [(b"content-type", ctype.encode()), *(headers or [])],
    }
    return Request(scope, receive)


def use_every_accessor(params: Params, name: str) -> None:
    """Read `name` every way a handler may; only Roost's own 4xx may come out, and the
    integer readers answer 64-bit integers."""
    integers: list[Any] = [
        lambda: params.int(name),
        lambda: params.int(name, 20, lo=1, hi=40),
        lambda: params.id(name),
        lambda: params.ids(name, most=40),
    ]
    others: list[Any] = [
        lambda: params.str(name),
        lambda: params.str(name, max_len=5),
        lambda: params.required_str(name),
        lambda: params.bool(name),
        lambda: params.list(name),  # values as sent: their readers check them
    ]
    for read in [*integers, *others]:
        value = attempt(read)
        if isinstance(value, Exception):
            assert is_ours(value), f"{name!r}: {value!r}"
        elif read in integers:
            for number in value if isinstance(value, list) else [value]:
                assert number is None or -(2**63) <= number <= MAX_ID


@fast
@given(id_like)
@example("²")
@example("9223372036854775808")
@example("0" * 19 + "1")
def test_parse_id_answers_an_id_or_a_4xx(value: str) -> None:
    number = id_or_none(value)
    assert number is None or 0 <= number <= MAX_ID
    for name, status in (("id", 404), ("max_id", 400)):
        found = attempt(lambda: parse_id(value, name=name))  # noqa: B023  # called at once
        if isinstance(found, Exception):
            assert number is None
            assert isinstance(found, RoostError)
            assert found.status == status
        else:
            assert found == number


@fast
@given(st.integers(0, MAX_ID))
def test_every_bigint_id_reads_back(number: int) -> None:
    assert parse_id(str(number)) == number


@fast
@given(raw_bodies)
@example(b'{"duration": 1e400}')
@example(b'{"status": "x\\ud800"}')
@example(b'{"a": ' + b"[" * 1000 + b"]" * 1000 + b"}")
def test_any_json_body_parses_or_answers_a_4xx(raw: bytes) -> None:
    body = attempt(lambda: parse_json_body(raw))
    if isinstance(body, Exception):
        assert is_ours(body), repr(body)
    else:
        assert isinstance(body, dict)


@fast
@given(
    st.lists(st.tuples(names, any_text | digits), max_size=8),
    raw_bodies,
    st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain"]),
)
@example([("id[]", "²"), ("limit", "\u0661")], b'{"duration": 1e400}', "application/json")
def test_any_request_parses_or_answers_a_4xx(
    query: list[tuple[str, str]], body: bytes, ctype: str
) -> None:
    encoded = urlencode([(k.encode("utf-8", "surrogatepass"), v.encode("utf-8", "surrogatepass"))
                         for k, v in query])  # fmt: skip
    params = attempt(lambda: asyncio.run(Params.from_request(request(encoded, body, ctype))))
    if isinstance(params, Exception):
        assert is_ours(params), repr(params)
        return
    for name in {*params._data, *NAMES}:
        use_every_accessor(params, name)


@fast
@given(st.dictionaries(names, json_values, max_size=6))
def test_any_json_object_reads_or_answers_a_4xx(body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    params = attempt(lambda: asyncio.run(Params.from_request(request(body=raw))))
    if isinstance(params, Exception):
        assert is_ours(params), repr(params)
        return
    for name in {*params._data, *NAMES}:
        use_every_accessor(params, name)


@fast
@given(st.binary(max_size=400))
def test_headers_are_bounded(value: bytes) -> None:
    req = request(headers=[(b"idempotency-key", value)])
    found = attempt(lambda: header(req, "idempotency-key", max_len=200))
    if isinstance(found, Exception):
        assert is_ours(found), repr(found)
        assert len(value) > 200
    else:
        assert found is None or len(found) <= 200
