"""Take the web app's screenshots into docs/screenshots/: home (with a poll and a quote),
profile and a post's page,
on a desktop (1280x900) and a phone (390x844), in light and dark.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Starts its own `roost serve` on a fresh SQLite database, seeds a few accounts and posts
through the CLI and the API, then signs in with Debian's Chromium (scripts/install-browser.sh).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.server import Server, roost_server  # noqa: E402
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, LOOKS, Look, new_page  # noqa: E402

PASSWORD = "correct horse battery"
PEOPLE = {
    "ana": ("Ana Lima", "Birdwatcher in Lisbon. Mostly herons, sometimes coffee. 🐦☕"),
    "ben": ("Ben Okafor", "Writes software, bakes bread, posts photos of both. He/him."),
    "chloe": ("Chloé Martin", "Cycliste du dimanche et lectrice à plein temps. 🚲📚"),
}


def seed(server: Server) -> dict[str, str]:
    """Accounts, follows and posts; returns the id of the post to show on its own page."""
    tokens = {}
    for name in PEOPLE:
        server.cli(
            "users", "create", name, "--email", f"{name}@example.com", "--password", PASSWORD
        )
        tokens[name] = server.cli("tokens", "create", name).strip()
    with httpx.Client(base_url=server.url, timeout=10) as http:

        def call(who: str, method: str, path: str, **data: object) -> dict[str, object]:
            answer = http.request(
                method, path, json=data, headers={"Authorization": f"Bearer {tokens[who]}"}
            )
            answer.raise_for_status()
            result: dict[str, object] = answer.json()
            return result

        ids = {}
        for name, (display, note) in PEOPLE.items():
            profile = {"display_name": display, "note": note}
            ids[name] = str(
                call(name, "PATCH", "/api/v1/accounts/update_credentials", **profile)["id"]
            )
        for a, b in (("ana", "ben"), ("ana", "chloe"), ("ben", "ana"), ("chloe", "ana")):
            call(a, "POST", f"/api/v1/accounts/{ids[b]}/follow")

        def post(who: str, text: str, reply_to: str | None = None) -> str:
            data: dict[str, object] = {"status": text}
            if reply_to:
                data["in_reply_to_id"] = reply_to
            status_id = str(call(who, "POST", "/api/v1/statuses", **data)["id"])
            time.sleep(0.05)  # distinct, ordered timestamps
            return status_id

        ride = post("chloe", "Premier trajet à vélo de l'année jusqu'au bord de mer. 🚲🌊 #vélo")
        post("ben", "Sourdough attempt number 14. The crumb is finally open! 🍞")
        thread = post(
            "ben",
            "Spent the morning at the estuary: 40 avocets, 2 spoonbills and one very "
            "confused cormorant. Anyone know a good field guide for the Tagus? 🐦 #birding",
        )
        reply = post("ana", "@ben Try the SPEA guide, it covers the whole estuary. 🙌", thread)
        post("ben", "@ana Ordered it, thanks!", reply)
        post("chloe", "@ben Superbe matinée ! Les spatules sont mes préférées.", thread)
        for who in ("ana", "chloe"):
            call(who, "POST", f"/api/v1/statuses/{thread}/favourite")
        call("chloe", "POST", f"/api/v1/statuses/{thread}/reblog")
        post("ana", "Coffee, binoculars, low tide. A perfect Saturday. ☕🔭")
        call("ben", "POST", "/api/v1/statuses", quoted_status_id=ride,
             status="This is the energy I need for the spring. 👏")  # fmt: skip
        poll = call("chloe", "POST", "/api/v1/statuses", status="Samedi : on va où ? 🗺️",
                    poll={"options": ["La plage 🏖️", "La forêt 🌲", "Le marché 🧺"],
                          "expires_in": 86400})  # fmt: skip
        poll_id = poll["poll"]["id"]  # type: ignore[index]  # a Poll entity
        call("ben", "POST", f"/api/v1/polls/{poll_id}/votes", choices=[1])
        call("ana", "POST", f"/api/v1/polls/{poll_id}/votes", choices=[0])
        return {"post": thread}


def sign_in(page: object, server: Server, name: str) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.goto(f"{server.url}/login")
    page.locator("input[name=username]").fill(name)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(f"{server.url}/")


def shoot(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    taken = []
    with (
        tempfile.TemporaryDirectory(prefix="roost-shots-") as tmp,
        roost_server(Path(tmp), ROOST_TITLE="Roost") as server,
    ):
        seeded = seed(server)
        time.sleep(1)  # let the in-process worker fan the posts out to home feeds
        pages = {
            "home": "/",
            "profile": "/@ben",
            "post": f"/@ben/{seeded['post']}",
        }
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            look: Look
            for look in LOOKS:
                page = new_page(browser, look)
                sign_in(page, server, "ana")
                for what, path in pages.items():
                    page.goto(server.url + path)
                    page.wait_for_load_state("networkidle")
                    target = out / f"{what}-{look.name}.png"
                    page.screenshot(path=str(target), animations="disabled")
                    taken.append(target)
                page.context.close()
            browser.close()
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    for path in shoot(args.out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
