"""Rules of the layout that import contracts cannot state (those are in pyproject.toml)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOST = Path(__file__).resolve().parents[1] / "roost"


def _calls_of(name: str) -> dict[str, int]:
    """Modules (relative paths) calling `name(...)` directly, with how often."""
    found: dict[str, int] = {}
    for path in sorted(ROOST.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == name
            ):
                key = str(path.relative_to(ROOST))
                found[key] = found.get(key, 0) + 1
    return found


def test_only_the_query_layer_vouches_for_visibility() -> None:
    """`Visible(...)` says a visibility query let these ids through; only queries say it
    (StatusRenderer renders nothing else)."""
    makers = _calls_of("Visible")
    assert makers, "the query layer makes Visible ids"
    assert all(path.endswith("queries.py") for path in makers), makers


def test_no_module_outside_migrations_grows_past_400_lines() -> None:
    sizes = {
        str(p.relative_to(ROOST)): len(p.read_text().splitlines())
        for p in ROOST.rglob("*.py")
        if "migrations" not in p.parts
    }
    assert not {p: n for p, n in sizes.items() if n > 400}
