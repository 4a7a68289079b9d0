"""Every API route, fed odd ids and malformed parameters, answers 2xx/4xx JSON — never 500."""

from __future__ import annotations

import re
from typing import Any

import httpx

from roost.api.routes import all_apis
from tests.api.test_statuses import post
from tests.conftest import User

ODD_JSON: list[Any] = [
    {"status": ["a", "b"], "visibility": {"x": 1}, "limit": "zz", "id": [1, 2]},
    {"status": None, "in_reply_to_id": "abc", "sensitive": "maybe", "max_id": -5},
    {"status": 12345678901234567890, "spoiler_text": True, "language": "??", "min_id": "1e9"},
    {"display_name": ["x"], "note": {"a": "b"}, "fields_attributes": "nope", "locked": "perhaps"},
    {"username": None, "email": 5, "password": [], "agreement": "yes", "q": None},
    {"home": "x", "notifications": {"last_read_id": "abc"}, "types": "mention", "acct": ["a"]},
    [],
]
ODD_QUERY = [
    "limit=-1&max_id=abc",
    "limit=99999999999999999999999&since_id=0&min_id=18446744073709551616",
    "id[]=abc&id[]=-1&q=%00&type=nonsense&offset=-3&resolve=maybe",
    "acct=%40%40%40&timeline[]=nope&exclude_types[]=&types[]=x&account_id=zz",
]


def _paths(status_id: str, account_id: str) -> list[tuple[str, str]]:
    out = []
    for api in all_apis():
        for route in api.routes:
            names = re.findall(r"{(\w+)}", route.path)
            values = (
                ["abc", "0", "%00", "99999999999999999999", status_id, account_id]
                if names
                else [""]
            )
            for value in values:
                path = route.path
                for name in names:
                    path = path.replace("{" + name + "}", value)
                out.append((route.method, path))
    return out


async def test_no_route_answers_500(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    status = await post(client, bob, "a post to poke at #tag")
    failures = []
    for method, path in _paths(status["id"], bob.sid):
        for i, query in enumerate(ODD_QUERY):
            url = f"{path}?{query}"
            if method == "GET":
                responses = [await client.get(url, headers=alice.auth)]
            else:
                body = ODD_JSON[i % len(ODD_JSON)]
                responses = [
                    await client.request(method, url, json=body, headers=alice.auth),
                    await client.request(
                        method,
                        url,
                        data={"status": "x", "limit": "-1", "id[]": "z"},
                        headers=alice.auth,
                    ),
                    await client.request(
                        method,
                        url,
                        content=b"\xff\xfe{{",
                        headers={**alice.auth, "Content-Type": "application/json"},
                    ),
                ]
            for r in responses:
                if r.status_code >= 500:
                    failures.append(f"{method} {url}: {r.status_code} {r.text[:120]}")
                elif (
                    r.status_code >= 400
                    and "json" in r.headers.get("content-type", "")
                    and "error" not in r.json()
                ):
                    failures.append(f"{method} {url}: {r.status_code} without error key")
    assert not failures, "\n".join(failures[:40])
