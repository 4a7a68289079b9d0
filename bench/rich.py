"""A home page with polls, quotes and pictures in it, to read under load next to the plain one.

Issues 18 and 13 ask that a home page carrying polls (with the reader's own votes), quote
posts and media stays within 10% of the plain home figure: polls, ballots, quoted posts
and attachments must load in a fixed number of queries. The seeded network has none, so a
second reader gets a page of 20 fresh posts by ten accounts it follows and the main reader
does not (the plain home page and its SQL trace stay as they were): every fourth one a
poll with three options (the reader votes in half of them), every fourth a quote of a
public post, every fourth two pictures, the rest the POST benchmark's texts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from PIL import Image

from bench import gen, load, seed
from roost.db import Database

PAGE = 20


@dataclass(frozen=True)
class RichHome:
    token: str
    polls: int
    quotes: int
    media: int


def pick(net: gen.Network, reader: int, skip: set[int]) -> tuple[int, list[int]]:
    """A second reader following ten active accounts the main reader does not follow."""
    theirs = set(net.following[reader])
    for u in range(40, net.size):
        if u in skip or net.inactive[u]:
            continue
        authors = [a for a in net.following[u] if a not in theirs and a not in skip]
        authors = [a for a in authors if not net.inactive[a]]
        if len(authors) >= 10:
            return u, authors[:10]
    raise RuntimeError("no account follows ten accounts the reader does not")


async def seed_page(
    db: Database, base: str, net: gen.Network, rich: int, authors: list[int],
    texts: list[str], quoted: int,
) -> RichHome:  # fmt: skip
    """Post the page over HTTP as the authors, and vote as the reader; the page's token."""
    tokens = [await seed.make_token(db, gen.account_id(a)) for a in authors]
    reader_token = await seed.make_token(db, gen.account_id(rich))
    polls: list[str] = []
    quotes = media = 0
    for k in range(PAGE):
        body: list[tuple[str, Any]]
        if k % 4 == 0:
            body = [("status", f"Which one, {net.usernames[rich]}? #poll {k}")]
            body += [("poll[options][]", o) for o in ("tabs", "spaces", "both")]
            body += [("poll[expires_in]", 86400)]
        elif k % 4 == 1:
            body = [("status", f"This, again {k}"), ("quoted_status_id", quoted)]
        elif k % 4 == 2:
            pictures = [upload(base, tokens[k % len(tokens)], k * 2 + i) for i in range(2)]
            body = [("status", f"Two pictures {k}"), *(("media_ids[]", p) for p in pictures)]
        else:
            body = [("status", f"{texts[k % len(texts)]} {k}")]
        status, answer = load.http(
            "POST", base + "/api/v1/statuses", tokens[k % len(tokens)], urlencode(body).encode()
        )
        if status != 200:
            raise RuntimeError(f"rich page: posting answered {status}: {str(answer)[:300]}")
        if answer.get("poll"):
            polls.append(answer["poll"]["id"])
        quote = answer.get("quote") or {}
        quotes += quote.get("state") == "accepted"
        media += len(answer.get("media_attachments") or [])
    for poll_id in polls[::2]:
        status, answer = load.http(
            "POST", f"{base}/api/v1/polls/{poll_id}/votes", reader_token, b"choices[]=1"
        )
        if status != 200:
            raise RuntimeError(f"rich page: voting answered {status}: {str(answer)[:300]}")
    return RichHome(reader_token, len(polls), quotes, media)


def upload(base: str, token: str, n: int) -> str:
    """Upload a small generated picture (synchronously processed); its media id."""
    picture = io.BytesIO()
    Image.new("RGB", (800, 600), (n * 37 % 256, n * 91 % 256, 120)).save(picture, "JPEG")
    boundary = f"roostbench{n}"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p{n}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + picture.getvalue()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, answer = load.http(
        "POST", base + "/api/v1/media", token, body, f"multipart/form-data; boundary={boundary}"
    )
    if status != 200:
        raise RuntimeError(f"rich page: uploading answered {status}: {str(answer)[:300]}")
    return str(answer["id"])


def check(page: Any, rich: RichHome) -> bool:
    """The page is the posted one: 20 statuses, its polls (some voted), its quotes and its
    pictures."""
    if not isinstance(page, list) or len(page) != PAGE:
        return False
    polls = [s["poll"] for s in page if s.get("poll")]
    quotes = [s for s in page if (s.get("quote") or {}).get("quoted_status")]
    voted = [p for p in polls if p["voted"]]
    media = sum(len(s.get("media_attachments") or []) for s in page)
    return (
        len(polls) == rich.polls and len(quotes) == rich.quotes and 0 < len(voted) < len(polls)
    ) and media == rich.media
