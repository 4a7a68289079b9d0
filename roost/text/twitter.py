"""The ``twitter_text`` package (PyPI: twitter-text-parser), imported without pkg_resources.

Roost uses its URL extractor, its emoji regular expression and its v3 configuration. It
does not extract mentions, hashtags or cashtags: ``entities`` does.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["EMOJI", "V3", "url_matches"]


def _import_twitter_text() -> Any:
    """Import ``twitter_text`` without importing ``pkg_resources``.

    Its emoji module calls ``pkg_resources.resource_string`` once, at import, to read a
    data file that sits next to it. The real ``pkg_resources`` takes ~0.2 s to import, is
    deprecated (and warns) in recent setuptools and is absent wherever setuptools is not
    installed (uv-made venvs, Python >= 3.12 venvs), so unless something has already
    imported it, a stand-in offering only ``resource_string`` sits in ``sys.modules`` for
    the duration of the import.
    """
    if "twitter_text" in sys.modules or sys.modules.get("pkg_resources") is not None:
        return importlib.import_module("twitter_text")

    def resource_string(module_name: str, resource: str) -> bytes:
        module_file = getattr(sys.modules[module_name], "__file__", None)
        if module_file is None:
            raise FileNotFoundError(f"{module_name} has no __file__ to find {resource} by")
        return (Path(module_file).parent / resource).read_bytes()

    shim = types.ModuleType("pkg_resources", "Import-time stand-in for twitter_text.")
    shim.resource_string = resource_string  # type: ignore[attr-defined]
    blocked = "pkg_resources" in sys.modules  # present but None: imports of it must fail
    sys.modules["pkg_resources"] = shim
    try:
        return importlib.import_module("twitter_text")
    finally:
        if sys.modules.get("pkg_resources") is shim:
            if blocked:
                sys.modules["pkg_resources"] = None  # type: ignore[assignment]
            else:
                del sys.modules["pkg_resources"]


_tt = _import_twitter_text()
_tt_extract_urls: Callable[[str], list[dict[str, Any]]] = _tt.extract_urls_with_indices
EMOJI: Any = importlib.import_module("twitter_text.regexp.emoji")
"""twitter_text's emoji module: the ``emoji`` regex and the data it is built from."""
V3: dict[str, Any] = importlib.import_module("twitter_text.config").config["version3"]
"""twitter-text's v3 configuration: weights, ranges, URL length."""


def _find_urls(text: str) -> tuple[tuple[str, int, int], ...]:
    return tuple((u["url"], u["indices"][0], u["indices"][1]) for u in _tt_extract_urls(text))


# weighted_length and render_html on the same post need the same URLs, and finding them
# is most of the work of either. Only post-sized texts are kept.
_find_urls_cached = lru_cache(maxsize=256)(_find_urls)
_CACHE_MAX_CHARS = 8192


def url_matches(text: str) -> tuple[tuple[str, int, int], ...]:
    """(url, start, end) of each URL, as twitter_text finds them."""
    if len(text) > _CACHE_MAX_CHARS:
        return _find_urls(text)
    return _find_urls_cached(text)
