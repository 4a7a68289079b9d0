"""The web app in a real browser, as a person uses it: sign up, follow, post, read a home
timeline that updates live, open a post. Elements are found by role and accessible name, as
a screen reader user finds them.

Every page a test visits is audited with axe-core and must fit the screen (no sideways
scroll). The tour of all pages runs in all four looks (desktop and phone, light and dark);
each flow runs on a desktop in light and on a phone in dark, which covers both devices and
both schemes at half the cost.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.e2e.server import Server
from tests.web.browser import DESKTOP_LIGHT, PHONE_DARK, Look, assert_accessible, new_address

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail, in CI) with the reason
    expect = None  # type: ignore[assignment]

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"
two_looks = pytest.mark.parametrize(
    "look", [DESKTOP_LIGHT, PHONE_DARK], indirect=True, ids=lambda look: look.name
)


def unique(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(4)}"


@dataclass
class Person:
    name: str
    token: str


class People:
    """Makes accounts through the API's sign-up (the CLI's would cost a process each)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        app = httpx.post(
            f"{server.url}/api/v1/apps",
            data={
                "client_name": "browser tests",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": "read write follow",
            },
            timeout=10,
        ).json()
        token = httpx.post(
            f"{server.url}/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "scope": "read write follow",
            },
            timeout=10,
        ).json()
        self.app_token = token["access_token"]

    def new(self, prefix: str) -> Person:
        name = unique(prefix)
        answer = httpx.post(
            f"{self.server.url}/api/v1/accounts",
            data={
                "username": name,
                "email": f"{name}@example.com",
                "password": PASSWORD,
                "agreement": "true",
            },
            # Sign-ups are limited per address: each person signs up from one of their own.
            headers={"Authorization": f"Bearer {self.app_token}", "X-Forwarded-For": new_address()},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        return Person(name, answer.json()["access_token"])


@pytest.fixture(scope="module")
def people(server: Server) -> People:
    return People(server)


def api(server: Server, token: str, method: str, path: str, **data: Any) -> Any:
    answer = httpx.request(
        method,
        server.url + path,
        json=data or None,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def check_page(page: Page, look: Look, what: str) -> None:
    """What every page must be: accessible, and never wider than the screen."""
    page.wait_for_load_state("load")
    assert_accessible(page, f"{what} ({look.name})")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= look.width, f"{what} scrolls sideways on {look.name}: {width}px wide"


def sign_in(page: Page, name: str) -> None:
    page.goto("/login")
    page.get_by_label("Username or email").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()


def post_card(page: Page | Locator, text: str) -> Locator:
    return page.get_by_role("article").filter(has_text=text)


def compose_box(page: Page) -> Locator:
    return page.get_by_role("textbox", name="What's on your mind?")


# The flows --------------------------------------------------------------------------------


@two_looks
def test_sign_up(page: Page, look: Look) -> None:
    name = unique("new")
    page.goto("/signup")
    expect(page.get_by_role("heading", name="Create an account", level=1)).to_be_visible()
    check_page(page, look, "the sign-up page")

    # First with mistakes: each field says what is wrong.
    page.get_by_label("Username").fill("bad name!")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields")
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Use only letters, numbers and underscores.")).to_be_visible()
    expect(page.get_by_text("Passwords have at least 8 characters.")).to_be_visible()
    check_page(page, look, "the sign-up form with errors")

    page.get_by_label("Username").fill(name)
    page.get_by_label("Email").fill(f"{name}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("I agree to follow the server rules").check()
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
    expect(compose_box(page)).to_be_visible()
    check_page(page, look, "the new account's home")
    page.goto(f"/@{name}")
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Edit profile")).to_be_visible()


@two_looks
def test_follow_someone_from_their_profile(
    page: Page, server: Server, people: People, look: Look
) -> None:
    author = people.new("author")
    api(server, author.token, "POST", "/api/v1/statuses", status="Hello, followers!")
    sign_in(page, people.new("reader").name)

    page.goto(f"/@{author.name}")
    expect(page.get_by_role("heading", name=author.name, level=1)).to_be_visible()
    expect(post_card(page, "Hello, followers!")).to_be_visible()
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
    check_page(page, look, "a followed profile")

    page.reload()
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
    expect(page.get_by_text("1 follower", exact=True)).to_be_visible()


@two_looks
def test_post_with_emoji_and_see_it(page: Page, people: People, look: Look) -> None:
    me = people.new("poster").name
    sign_in(page, me)
    post = page.get_by_role("button", name="Post", exact=True)
    compose_box(page).fill("   ")
    expect(post).to_be_disabled()  # nothing to send yet
    text = f"Hello from the browser 🐦🎉 {secrets.token_hex(3)}"
    compose_box(page).fill(text)
    post.click()

    card = post_card(page, text)
    expect(card).to_be_visible()
    expect(card).to_contain_text("🐦🎉")
    expect(compose_box(page)).to_have_value("")
    check_page(page, look, "home with a post")
    page.goto(f"/@{me}")
    expect(post_card(page, text)).to_be_visible()


@two_looks
def test_a_refused_post_says_why(page: Page, people: People, look: Look) -> None:
    sign_in(page, people.new("blank").name)
    compose_box(page).fill("x" * 502)
    expect(compose_box(page)).to_have_accessible_description("2 characters over the limit")
    expect(page.get_by_role("button", name="Post", exact=True)).to_be_disabled()
    # Without the script's checks (as with JavaScript off) the server refuses and says why.
    page.locator("form#compose").evaluate("form => form.submit()")
    expect(page.get_by_role("alert")).to_contain_text("The post is too long")
    expect(compose_box(page)).to_have_value("x" * 502)
    check_page(page, look, "the compose page with an error")


@two_looks
def test_new_posts_arrive_live(page: Page, server: Server, people: People, look: Look) -> None:
    reader, author = people.new("live_reader"), people.new("live_author").name
    # The other account posts through the API with a token an operator made for it.
    author_token = server.cli("tokens", "create", author).strip()
    author_id = api(server, author_token, "GET", "/api/v1/accounts/verify_credentials")["id"]
    api(server, reader.token, "POST", f"/api/v1/accounts/{author_id}/follow")
    sign_in(page, reader.name)
    page.evaluate("() => { window.notReloaded = true; }")

    text = f"Live from the API 🚀 {secrets.token_hex(3)}"
    api(server, author_token, "POST", "/api/v1/statuses", status=text)

    # The post shows up, or a "Show 1 new post" button that shows it: either way, no reload.
    card = post_card(page, text)
    show = page.get_by_role("button", name=re.compile(r"^Show \d+ new posts?$"))
    expect(card.or_(show)).to_be_visible(timeout=5_000)
    if show.is_visible():
        show.click()
    expect(card).to_be_visible()
    assert page.evaluate("() => window.notReloaded === true"), "the page was reloaded"
    check_page(page, look, "home after a live update")


@two_looks
def test_a_poll_made_in_the_browser_and_voted_in_by_someone_else(
    page: Page, people: People, look: Look
) -> None:
    author = people.new("pollster").name
    sign_in(page, author)
    question = f"Tea or coffee? {secrets.token_hex(3)}"
    compose_box(page).fill(question)
    page.get_by_text("Add a poll").first.click()
    page.get_by_label("Choice 1").first.fill("Tea")
    page.get_by_label("Choice 2").first.fill("Coffee")
    page.get_by_label("Poll length").first.select_option("3600")
    check_page(page, look, "the compose box with a poll")
    page.get_by_role("button", name="Post", exact=True).click()
    card = post_card(page, question)
    expect(card).to_be_visible()
    expect(card).to_contain_text("0 votes")  # its author sees the results, not a ballot
    expect(card.get_by_role("button", name="Vote")).to_have_count(0)

    page.context.clear_cookies()
    sign_in(page, people.new("voter").name)
    page.goto(f"/@{author}")
    card = post_card(page, question)
    card.get_by_label("Coffee").check()
    card.get_by_role("button", name="Vote").click()
    card = post_card(page, question)
    expect(card).to_contain_text("1 vote")
    expect(card.locator(".poll-mine")).to_contain_text("Coffee")
    expect(card.locator(".poll-mine")).to_contain_text("100%")
    check_page(page, look, "a poll after voting")


@two_looks
def test_edit_a_post_and_open_its_history(page: Page, people: People, look: Look) -> None:
    sign_in(page, people.new("editor").name)
    typo = f"Helo wrold {secrets.token_hex(3)}"
    compose_box(page).fill(typo)
    page.get_by_role("button", name="Post", exact=True).click()
    card = post_card(page, typo)
    card.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", name="Edit post", level=1)).to_be_visible()
    box = page.get_by_role("textbox", name="Your post")
    expect(box).to_have_value(typo)
    fixed = typo.replace("Helo wrold", "Hello world")
    box.fill(fixed)
    check_page(page, look, "the edit page")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Post", level=1)).to_be_visible()
    expect(page.get_by_role("article").first).to_contain_text("Hello world")
    page.get_by_role("link", name="edited", exact=True).first.click()
    expect(page.get_by_role("heading", name="Edit history", level=1)).to_be_visible()
    versions = page.get_by_role("listitem")
    expect(versions.filter(has_text="Current version")).to_contain_text("Hello world")
    expect(versions.filter(has_text="Original")).to_contain_text("Helo wrold")
    check_page(page, look, "a post's edit history")


@two_looks
def test_send_and_read_a_direct_message(
    page: Page, server: Server, people: People, look: Look
) -> None:
    sender, receiver = people.new("sender"), people.new("receiver")
    sign_in(page, sender.name)
    secret = f"Just between us {secrets.token_hex(3)}"
    compose_box(page).fill(f"@{receiver.name} {secret}")
    page.get_by_label("Who can see this post").first.select_option("direct")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(post_card(page, secret)).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, receiver.name)
    page.get_by_role("link", name="Messages").first.click()
    expect(page.get_by_role("heading", name="Messages", level=1)).to_be_visible()
    check_page(page, look, "the list of conversations")
    page.get_by_role("link").filter(has_text=secret).click()
    chat = page.get_by_role("list", name="Messages")
    expect(chat).to_contain_text(secret)
    answer = f"Got it {secrets.token_hex(3)}"
    page.get_by_role("textbox", name="Your reply").fill(f"@{sender.name} {answer}")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator(".chat-message.mine")).to_contain_text(answer)
    check_page(page, look, "a conversation")


@two_looks
def test_quote_a_post(page: Page, server: Server, people: People, look: Look) -> None:
    author, quoter = people.new("quoted"), people.new("quoter")
    words = f"Worth quoting {secrets.token_hex(3)}"
    api(server, author.token, "POST", "/api/v1/statuses", status=words)
    sign_in(page, quoter.name)
    page.goto(f"/@{author.name}")
    post_card(page, words).get_by_role("link", name="Quote", exact=True).click()
    expect(page.locator(".quote-card")).to_contain_text(words)
    comment = f"So true {secrets.token_hex(3)}"
    compose_box(page).fill(comment)
    check_page(page, look, "the compose page quoting a post")
    page.get_by_role("button", name="Post", exact=True).click()
    card = post_card(page, comment)
    expect(card).to_be_visible()
    expect(card.locator(".quote-card")).to_contain_text(words)
    check_page(page, look, "home with a quote")


@two_looks
def test_open_a_posts_page(page: Page, server: Server, people: People, look: Look) -> None:
    writer = people.new("thread")
    author, token = writer.name, writer.token
    first = api(server, token, "POST", "/api/v1/statuses", status="The start of a thread 🧵")
    reply = {"status": "And its end.", "in_reply_to_id": first["id"]}
    api(server, token, "POST", "/api/v1/statuses", **reply)
    sign_in(page, people.new("visitor").name)

    page.goto(f"/@{author}")
    card = post_card(page, "The start of a thread")
    card.get_by_role("link").filter(has=page.locator("time")).click()

    expect(page).to_have_url(re.compile(rf"/@{author}/{first['id']}$"))
    expect(page.get_by_role("heading", name="Post", level=1)).to_be_visible()
    expect(post_card(page, "The start of a thread 🧵")).to_be_visible()
    replies = page.get_by_role("region", name="Replies")
    expect(post_card(replies, "And its end.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your reply")).to_have_value(f"@{author} ")
    check_page(page, look, "a post's page")


@two_looks
def test_the_home_page_logs_no_errors(page: Page, people: People, look: Look) -> None:
    """No failed request (a missing file, a refused live stream) and no script error."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{msg.text} ({msg.location.get('url', '')})")
            if msg.type == "error"
            else None
        ),
    )
    sign_in(page, people.new("quiet").name)
    page.wait_for_timeout(1000)  # the live stream connects (or fails) after the load
    assert errors == []


@two_looks
def test_french_interface(
    server: Server, look: Look, new_context_page: Callable[..., Page]
) -> None:
    page = new_context_page(locale="fr-FR")  # sends Accept-Language: fr-FR
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter à Roost")
    check_page(page, look, "the French sign-in page")
    # Choosing another language sticks for this browser.
    page.get_by_label("Langue de l\u2019interface").select_option("en")
    page.get_by_role("button", name="Changer").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Roost")
    page.goto("/public")
    expect(page.get_by_role("heading", name="Explore", level=1)).to_be_visible()


# Every page, in every look -----------------------------------------------------------------


@dataclass
class Site:
    """Accounts and posts for the tour: a thread, a repost, and words too long for a phone."""

    author: str
    reader: str
    thread_id: str


@pytest.fixture(scope="module")
def site(server: Server, people: People) -> Site:
    writer, tourist = people.new("longwords"), people.new("tourist")
    author, reader = writer.name, tourist.name
    author_token, reader_token = writer.token, tourist.token
    api(
        server,
        author_token,
        "PATCH",
        "/api/v1/accounts/update_credentials",
        display_name="Averyveryverylongdisplaynamexx",  # 30 characters, the most allowed
        note="Pneumonoultramicroscopicsilicovolcanoconiosis" * 3,
    )
    long_post = (
        "Supercalifragilisticexpialidocious" * 4
        + " https://example.com/a/very/long/path/that/goes/on/and/on/and/on/forever/and/ever"
        + " #averyveryveryverylonghashtagwithoutanybreaks "
        + "🐦" * 22
    )
    thread = api(server, author_token, "POST", "/api/v1/statuses", status=long_post)
    author_id = thread["account"]["id"]
    api(server, reader_token, "POST", f"/api/v1/accounts/{author_id}/follow")
    answer = {"status": f"@{author} What a word! 😄", "in_reply_to_id": thread["id"]}
    api(server, reader_token, "POST", "/api/v1/statuses", **answer)
    for action in ("favourite", "reblog", "bookmark"):
        api(server, reader_token, "POST", f"/api/v1/statuses/{thread['id']}/{action}")
    return Site(author, reader, thread["id"])


def test_every_page_is_accessible_and_fits(page: Page, site: Site, look: Look) -> None:
    for path, heading in (
        ("/", "Welcome to Roost"),
        ("/login", "Sign in to Roost"),
        ("/signup", "Create an account"),
        ("/public", "Explore"),
        (f"/@{site.author}", None),
        (f"/@{site.author}/{site.thread_id}", "Post"),
    ):
        page.goto(path)
        if heading:
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        check_page(page, look, f"{path} signed out")

    sign_in(page, site.reader)
    for path, heading in (
        ("/", "Home"),
        ("/public", "Explore"),
        ("/notifications", "Notifications"),
        ("/bookmarks", "Bookmarks"),
        (f"/@{site.author}", None),
        (f"/@{site.author}/with_replies", None),
        (f"/@{site.author}/{site.thread_id}", "Post"),
        (f"/@{site.reader}", None),
        ("/compose", None),
        ("/settings/profile", None),
        ("/settings/account", None),
        ("/follow_requests", "Follow requests"),
        ("/settings/preferences", None),
        ("/conversations", "Messages"),
        ("/lists", "Lists"),
        ("/scheduled", "Scheduled posts"),
    ):
        page.goto(path)
        if heading:
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        if path.startswith(f"/@{site.author}"):
            expect(post_card(page, "Supercalifragilistic").first).to_be_visible()
        check_page(page, look, f"{path} signed in")
