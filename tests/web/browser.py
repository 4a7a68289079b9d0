"""Helpers of the real-browser tests: the looks (desktop/phone x light/dark), pages in fresh
contexts, and the axe-core accessibility audit.

Chromium and axe-core come from scripts/install-browser.sh (`make test` runs it). Without
them these tests skip, saying what is missing, unless ROOST_REQUIRE_SERVICES=1 (CI), where a
missing browser is a failure. ROOST_CHROMIUM names another Chromium binary.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("ROOST_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Any of these impacts fails the audit; "minor" and "moderate" are printed only.
BLOCKING_IMPACTS = ("serious", "critical")
# The axe rules that cannot judge a page fairly: none yet. Add one only with the reason.
AXE_DISABLED_RULES: dict[str, str] = {}


@dataclass(frozen=True)
class Look:
    """A device and colour scheme a test runs in."""

    name: str
    width: int
    height: int
    color_scheme: Literal["light", "dark"]
    mobile: bool


DESKTOP_LIGHT = Look("desktop-light", 1280, 900, "light", mobile=False)
DESKTOP_DARK = Look("desktop-dark", 1280, 900, "dark", mobile=False)
PHONE_LIGHT = Look("phone-light", 390, 844, "light", mobile=True)
PHONE_DARK = Look("phone-dark", 390, 844, "dark", mobile=True)
LOOKS = (DESKTOP_LIGHT, DESKTOP_DARK, PHONE_LIGHT, PHONE_DARK)


def _missing() -> str | None:
    """What the browser tests lack on this machine, or None."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (scripts/install-browser.sh installs Debian's chromium)"
    if not AXE.exists():
        return f"{AXE.relative_to(ROOT)} is missing (scripts/install-browser.sh runs npm ci)"
    return None


def require_browser() -> None:
    """Skip the calling test when the browser tools are missing; fail in CI."""
    missing = _missing()
    if missing is None:
        return
    if os.environ.get("ROOST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"the browser tests are required here but cannot run: {missing}")
    pytest.skip(f"browser tests need Chromium and axe-core: {missing}")


_people = itertools.count(1)


def new_address() -> str:
    """An address of its own for another person (see `new_page`)."""
    return f"2001:db8::{next(_people):x}"


def new_page(browser: Browser, look: Look, base_url: str | None = None, **options: Any) -> Page:
    """A page in a fresh context (no cookies) in this look, English unless told.

    Each context comes from an address of its own (X-Forwarded-For, which `roost serve`
    trusts from loopback; IPv6 documentation addresses, never routed), so the per-address
    limits on sign-ups and sign-ins treat each test as a different person, as in real life.
    """
    context = browser.new_context(
        viewport={"width": look.width, "height": look.height},
        color_scheme=look.color_scheme,
        is_mobile=look.mobile,
        has_touch=look.mobile,
        device_scale_factor=1,
        locale=options.pop("locale", "en-US"),
        base_url=base_url,
        extra_http_headers={"X-Forwarded-For": new_address()},
        **options,
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def watch_for_script_errors(page: Page) -> list[str]:
    """Collect the page's uncaught script errors and CSP violations as they happen."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))

    def console(msg: ConsoleMessage) -> None:
        if msg.type == "error" and "Content Security Policy" in msg.text:
            errors.append(msg.text)

    page.on("console", console)
    return errors


# Accessibility ----------------------------------------------------------------------------


def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def audit(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now and return its violations.

    axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy
    (no inline scripts, no eval) does not apply to, so the audited page is the real one.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source() + "\n;undefined")
    rules = {rule: {"enabled": False} for rule in AXE_DISABLED_RULES}
    result: dict[str, Any] = page.evaluate(
        """async (rules) => {
            const r = await axe.run(document, {rules, resultTypes: ["violations"]});
            return {violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary,
                                          html: n.html.slice(0, 300)})),
            }))};
        }""",
        rules,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """Violations as a person reads them: rule, impact, help, then each offending node."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            summary = re.sub(r"\s+", " ", node["summary"] or "").strip()
            lines.append(f"    at {json.dumps(node['target'])}: {node['html']}")
            lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page, what: str = "") -> None:
    """Fail on any serious or critical axe violation; print the lesser ones."""
    violations = audit(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if violations:
        print(f"axe on {what or page.url}:\n{describe(violations)}")
    assert not blocking, f"axe found serious problems on {what or page.url}:\n" + describe(blocking)
