"""The synthetic network, generated deterministically from a seed.

Users have power-law popularity (Zipf-weighted follow targets) and activity; following
counts are log-normal. Posts come in independent chunks of CHUNK posts, so chunks can be
generated (and their HTML rendered with roost.text.render.render_html, as do_post_status
renders it) in parallel processes and cached on disk: rendering costs ~0.2 ms a post.
Ids are Roost-style (unix ms << 16 | sequence) from fixed anchors in the past, so the same
seed gives the same rows on every run and every backend.
"""

from __future__ import annotations

import bisect
import itertools
import pickle
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

GEN_VERSION = 1
CHUNK = 10_000
DOMAIN = "bench.localhost"
BASE_URL = f"http://{DOMAIN}"
EPOCH = datetime(1970, 1, 1)
ACCOUNT_ANCHOR_MS = int((datetime(2024, 1, 1) - EPOCH).total_seconds() * 1000)
FOLLOW_ANCHOR_MS = int((datetime(2024, 6, 1) - EPOCH).total_seconds() * 1000)
TAG_ANCHOR_MS = int((datetime(2024, 6, 2) - EPOCH).total_seconds() * 1000)
POST_ANCHOR_MS = int((datetime(2025, 1, 1) - EPOCH).total_seconds() * 1000)
POST_STEP_MS = 1500  # 10M posts span ~174 days, all before the server's "now"

FIRST = """
mira ana tom sam lea noor kai jun ravi ines otto zoe finn yara luca emma ivo nina omar sara
theo maya felix rosa hugo lina arjun chloe dario elif
""".split()  # noqa: SIM905  # word lists read better as text
LAST = """
k vdb smith ng okafor berg rossi tanaka silva novak meyer dubois haas lind costa ito park
reyes kowalski moreau
""".split()  # noqa: SIM905  # word lists read better as text
WORDS = """
the a of to and in is it that for on with as was at by this be from or have not are but what
all were we when your can said there use an each which she do how their if will up other
about out many then them these so some her would make like him into time has look two more
write go see number no way could people my than first water been call who oil its now find
long down day did get come made may part new release build deploy server coffee morning
train city rain music game book read code test bug fix ship weekend garden bike photo walk
lunch talk meetup thread idea design database cache latency queue feed timeline today
tomorrow finally really great small fast slow quiet loud strange lovely honest tiny huge
""".split()  # noqa: SIM905  # word lists read better as text
TAGS = """
python rust golang javascript linux opensource photography music books coffee cycling
gardening cats dogs art design programming databases postgres sqlite redis devops security
privacy fediverse mastodon introductions news science space climate food travel hiking
running football cinema gaming retro hardware 3dprinting knitting poetry history maths ai ml
webdev css accessibility ux
""".split()  # noqa: SIM905  # word lists read better as text
EMOJI = [
    "🎉",
    "☕",
    "👀",
    "🔥",
    "😂",
    "❤️",
    "👍🏽",
    "🧑‍💻",
    "🇳🇱",
    "✨",
    "🐦",
    "🌧️",
    "🚀",
    "🙃",
    "👩🏾‍🔬",
]
LINK_HOSTS = [
    "example.com",
    "example.org",
    "blog.example.net",
    "news.example.com",
    "docs.example.io",
]


def account_id(i: int) -> int:
    return ((ACCOUNT_ANCHOR_MS + i * 1000) << 16) | (i & 0xFFFF)


def post_id(i: int) -> int:
    return ((POST_ANCHOR_MS + i * POST_STEP_MS) << 16) | (i & 0xFFFF)


def post_time(i: int) -> datetime:
    return EPOCH + timedelta(milliseconds=POST_ANCHOR_MS + i * POST_STEP_MS)


def follow_id(n: int) -> int:
    return (FOLLOW_ANCHOR_MS << 16) + n


def tag_id(t: int) -> int:
    return (TAG_ANCHOR_MS + t) << 16


def _cum(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


@dataclass
class Network:
    """Users and who follows whom. User 0 is the most followed (and most active)."""

    seed: int
    usernames: list[str]
    following: list[list[int]]  # user index → followed user indexes
    inactive: list[bool]  # last active more than 30 days ago
    followers: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.usernames)

    def activity_cum(self) -> list[float]:
        """Cumulative posting weights: popular accounts post more (Zipf, s = 0.7)."""
        return _cum([1.0 / (i + 10) ** 0.7 for i in range(self.size)])


def make_network(users: int, seed: int) -> Network:
    """`users` accounts; following counts log-normal (median 60, capped at 2,000) with
    targets drawn by Zipf popularity (s = 1), which gives power-law follower counts."""
    rng = random.Random(f"network-{seed}")
    names: list[str] = []
    taken: set[str] = set()
    for i in range(users):
        name = f"{rng.choice(FIRST)}_{rng.choice(LAST)}"
        if name in taken or rng.random() < 0.6:
            name = f"{name}{i}"
        taken.add(name)
        names.append(name[:30])
    popularity = _cum([1.0 / (j + 1) for j in range(users)])
    following: list[list[int]] = []
    for u in range(users):
        k = min(users - 1, 2000, max(1, int(rng.lognormvariate(4.1, 1.0))))
        chosen: dict[int, None] = {}
        while len(chosen) < k:
            for t in rng.choices(range(users), cum_weights=popularity, k=k - len(chosen) + 4):
                if t != u:
                    chosen[t] = None
        following.append(list(chosen)[:k])
    followers = [0] * users
    for targets in following:
        for t in targets:
            followers[t] += 1
    inactive = [rng.random() < 0.3 for _ in range(users)]
    return Network(seed, names, following, inactive, followers)


@dataclass
class Chunk:
    """CHUNK posts' rows, ready for executemany (datetimes are filled in by the seeder)."""

    index: int
    statuses: list[dict[str, object]]
    mentions: list[tuple[int, int]]  # (post index, user index)
    tags: list[tuple[int, int]]  # (post index, tag index)
    favourites: list[tuple[int, int]]  # (post index, user index)
    authors: dict[int, tuple[int, int]]  # user index → (posts, last post index)


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(5, 16))
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice([".", ".", "!", "?"])


def _text(
    rng: random.Random, net: Network, cum: list[float], reply_to: str | None
) -> tuple[str, list[int], list[int]]:
    """A post: 1-3 sentences; a third mention someone, a third carry hashtags, a fifth
    a link, a third emoji, a few have paragraphs. Returns (text, user indexes, tag indexes)."""
    parts = [_sentence(rng) for _ in range(rng.choice([1, 1, 2, 2, 3]))]
    users: list[int] = []
    if rng.random() < 0.33:
        users = list(
            dict.fromkeys(rng.choices(range(net.size), cum_weights=cum, k=rng.randint(1, 2)))
        )
        parts.insert(rng.randrange(len(parts) + 1), " ".join(f"@{net.usernames[u]}" for u in users))
    tags: list[int] = []
    if rng.random() < 0.33:
        tags = list(
            dict.fromkeys(
                min(int(rng.paretovariate(1.1)) - 1, len(TAGS) - 1)
                for _ in range(rng.randint(1, 3))
            )
        )
        parts.append(" ".join(f"#{TAGS[t]}" for t in tags))
    if rng.random() < 0.2:
        path = "/".join(rng.choices(WORDS, k=rng.randint(1, 3)))
        query = f"?id={rng.randint(1, 99999)}" if rng.random() < 0.3 else ""
        parts.insert(
            rng.randrange(len(parts) + 1), f"https://{rng.choice(LINK_HOSTS)}/{path}{query}"
        )
    if rng.random() < 0.33:
        parts.append("".join(rng.choices(EMOJI, k=rng.randint(1, 3))))
    sep = "\n\n" if rng.random() < 0.08 else " "
    text = sep.join(parts)
    if reply_to is not None:
        text = f"@{reply_to} {text}"
    return text, users, tags


def make_chunk(net: Network, k: int) -> Chunk:
    """Posts k*CHUNK .. (k+1)*CHUNK-1: 80% posts, 15% replies (to a recent post of the same
    chunk), 5% boosts; visibility 88% public, 7% unlisted, 5% followers-only; ~0.3
    favourites each."""
    from roost.text.render import render_html

    rng = random.Random(f"chunk-{net.seed}-{net.size}-{k}")
    cum = net.activity_cum()
    total = cum[-1]
    start = k * CHUNK
    authors_of: dict[int, int] = {}
    conversation: dict[int, int] = {}
    rows: dict[int, dict[str, object]] = {}
    originals: list[int] = []  # public non-boosts, which can be boosted or replied to
    mentions: list[tuple[int, int]] = []
    tag_rows: list[tuple[int, int]] = []
    favourites: list[tuple[int, int]] = []
    per_author: dict[int, tuple[int, int]] = {}
    names = net.usernames

    def mention_url(acct: str) -> str | None:
        return f"{BASE_URL}/@{acct}"

    def tag_url(tag: str) -> str:
        return f"{BASE_URL}/tags/{tag.lower()}"

    for i in range(start, start + CHUNK):
        author = bisect.bisect_left(cum, rng.random() * total)
        author = min(author, net.size - 1)
        pid = post_id(i)
        kind = rng.random()
        row: dict[str, object] = {
            "id": pid,
            "account_id": account_id(author),
            "text": "",
            "content": "",
            "visibility": "public",
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "reblog_of_id": None,
            "conversation_id": pid,
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "created_at": i,
        }
        if kind < 0.05 and originals:
            target = originals[-1 - min(int(rng.expovariate(1 / 200)), len(originals) - 1)]
            if authors_of[target] != author:
                row["reblog_of_id"] = post_id(target)
                row["conversation_id"] = None
                rows[target]["reblogs_count"] += 1  # type: ignore[operator]  # an int
                rows[i] = row
                authors_of[i] = author
                per_author[author] = (per_author.get(author, (0, 0))[0] + 1, i)
                continue
        parent = None
        if kind > 0.85 and originals:
            parent = originals[-1 - min(int(rng.expovariate(1 / 100)), len(originals) - 1)]
        vis = rng.random()
        row["visibility"] = "public" if vis < 0.88 else "unlisted" if vis < 0.95 else "private"
        reply_name = names[authors_of[parent]] if parent is not None else None
        text, users, tags = _text(rng, net, cum, reply_name)
        if parent is not None:
            row["in_reply_to_id"] = post_id(parent)
            row["in_reply_to_account_id"] = account_id(authors_of[parent])
            row["conversation_id"] = conversation[parent]
            rows[parent]["replies_count"] += 1  # type: ignore[operator]  # an int
            users = [authors_of[parent], *users]
        row["text"] = text
        row["content"] = render_html(text, mention_url=mention_url, tag_url=tag_url)
        conversation[i] = row["conversation_id"]  # type: ignore[assignment]  # an int
        mentions += [(i, u) for u in dict.fromkeys(users)]
        tag_rows += [(i, t) for t in tags]
        fans = {
            min(bisect.bisect_left(cum, rng.random() * total), net.size - 1)
            for _ in range(int(rng.expovariate(1.5)))
        }
        fans.discard(author)
        row["favourites_count"] = len(fans)
        favourites += [(i, f) for f in sorted(fans)]
        rows[i] = row
        authors_of[i] = author
        per_author[author] = (per_author.get(author, (0, 0))[0] + 1, i)
        if row["visibility"] == "public":
            originals.append(i)
    return Chunk(k, list(rows.values()), mentions, tag_rows, favourites, per_author)


def cache_path(cache_dir: Path, net: Network, k: int) -> Path:
    return cache_dir / f"posts-v{GEN_VERSION}-u{net.size}-s{net.seed}-{k}.pkl"


_worker_net: Network | None = None


def _init_worker(net: Network) -> None:
    global _worker_net
    _worker_net = net


def _worker_chunk(args: tuple[int, str]) -> Chunk:
    """Pool worker: generate (or load) one chunk and cache it."""
    k, cache_dir = args
    assert _worker_net is not None
    path = cache_path(Path(cache_dir), _worker_net, k)
    if path.exists():
        with path.open("rb") as f:
            chunk: Chunk = pickle.load(f)
        return chunk
    chunk = make_chunk(_worker_net, k)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump(chunk, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.rename(path)
    return chunk
