"""twitter-text's conformance data (validate.yml, extract.yml), loaded for parametrised tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml


def _reference_dir() -> Path | None:
    """twitter-text's conformance YAML: /work/shared next to the repo, or $ROOST_SHARED_DIR."""
    beside_repo = Path(__file__).resolve().parents[3] / "shared" / "reference" / "twitter-text"
    if beside_repo.is_dir():
        return beside_repo
    shared = os.environ.get("ROOST_SHARED_DIR")
    if shared and (Path(shared) / "reference" / "twitter-text").is_dir():
        return Path(shared) / "reference" / "twitter-text"
    return None


REFERENCE_DIR = _reference_dir()
MISSING_REASON = (
    "twitter-text conformance data not found: expected shared/reference/twitter-text beside "
    "the repository, or under $ROOST_SHARED_DIR"
)


def _load(name: str) -> dict[str, list[dict[str, Any]]]:
    if REFERENCE_DIR is None:
        return {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (REFERENCE_DIR / name).open(encoding="utf-8") as f:
        tests: dict[str, list[dict[str, Any]]] = yaml.load(f, Loader=loader)["tests"]
    return tests


VALIDATE = _load("validate.yml")
EXTRACT = _load("extract.yml")

# Cases that cannot pass by design, keyed by (section, description).
XFAIL: dict[tuple[str, str], str] = {
    ("mentions", "Extract lone metion but not @user@user (too close to an email)"): (
        "roost follows Mastodon here: @test@example.com is a mention of a remote account, "
        "which twitter-text rejects as too close to an email address"
    ),
}


def cases(data: dict[str, list[dict[str, Any]]], *sections: str) -> list[Any]:
    """``pytest.param(text, expected)`` for each case of the given sections (one skipped
    param when the data is missing)."""
    if REFERENCE_DIR is None:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=MISSING_REASON))]
    params = []
    for section in sections:
        for case in data[section]:
            marks = []
            reason = XFAIL.get((section, case["description"]))
            if reason is not None:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            params.append(
                pytest.param(
                    case["text"],
                    case["expected"],
                    marks=marks,
                    id=f"{section}: {case['description']}",
                )
            )
    return params
