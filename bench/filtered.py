"""The home page read by someone with three muted words (v2 filters, context home).

Issue 15 asks that home with three active filters stays within 10% of the plain home
figure: the viewer's filters load in at most one query (none while cached) and each post
is matched against one compiled pattern per filter. The words are real muted words that
the generator never writes, so every post is matched and none is hidden: the page holds
the same 20 posts as the plain one.
"""

from __future__ import annotations

import json

from bench import load

WORDS = ("spoilers", "election", "crypto")


def add(base: str, token: str) -> list[str]:
    """Create the three filters as the reader; their ids."""
    made = []
    for word in WORDS:
        body = json.dumps(
            {
                "title": word,
                "context": ["home"],
                "filter_action": "warn",
                "keywords_attributes": [{"keyword": word, "whole_word": True}],
            }
        )
        status, answer = load.http(
            "POST", base + "/api/v2/filters", token, body.encode(), "application/json"
        )
        if status != 200:
            raise RuntimeError(f"filtered home: making a filter answered {status}: {answer}")
        made.append(str(answer["id"]))
    return made


def remove(base: str, token: str, ids: list[str]) -> None:
    for filter_id in ids:
        load.http("DELETE", f"{base}/api/v2/filters/{filter_id}", token)
