"""What every web page shares: the Jinja environment, the signed-in viewer, security
headers, CSRF, and HTML error pages.

Views are plain Starlette endpoints wrapped in `@page_view` (or `@form_view` for POSTs,
which also checks the CSRF token). They return `render(...)` or `redirect(...)`; a
RoostError raised inside becomes an HTML error page with its status.
"""

from __future__ import annotations

import functools
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
import markupsafe
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from roost.accounts.entities import CredentialAccount, CustomEmoji
from roost.emojis.queries import IN_TEXT_RE
from roost.errors import NotFound, RoostError
from roost.http.params import id_or_none
from roost.instance import Roost
from roost.moderation.staff import Staff
from roost.oauth.queries import Viewer
from roost.web.csrf import CsrfError, check_csrf, csrf_token, issue_csrf
from roost.web.i18n import LOCALES, choose_locale, gettext_for, install_jinja, locale_of
from roost.web.session import LANG_COOKIE, viewer_from_session

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
MAX_FORM = 1_000_000  # bytes of a urlencoded form
MAX_UPLOAD_FORM = 20_000_000  # a multipart form: an avatar and a header (8 MB each) and text

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
install_jinja(env)


def _when(value: str) -> datetime:
    """An entity's ISO timestamp ("2026-11-05T13:15:30.000Z") as a naive UTC datetime."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")


env.filters["when"] = _when


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


def _emojify(value: Any, emojis: list[CustomEmoji]) -> markupsafe.Markup:
    """A post's HTML (or escaped text) with its custom emojis' `:shortcode:`s shown as
    images: in text only, never inside a tag (a link's address may hold colons)."""
    html: markupsafe.Markup = markupsafe.escape(value)  # Markup passes through unchanged
    if not emojis or ":" not in html:
        return html
    known = {e.shortcode: e for e in emojis}

    def image(m: re.Match[str]) -> str:
        e = known.get(m.group(1))
        if e is None:
            return m.group(0)
        code = markupsafe.escape(f":{e.shortcode}:")
        return (
            f'<img class="custom-emoji" src="{markupsafe.escape(e.url)}" alt="{code}" '
            f'title="{code}" width="20" height="20" loading="lazy">'
        )

    parts = _TAG_OR_TEXT.split(str(html))
    return markupsafe.Markup(
        "".join(p if p.startswith("<") else IN_TEXT_RE.sub(image, p) for p in parts)
    )


env.filters["emojify"] = _emojify
# A fresh key per compose form: a double-clicked Post button posts once.
env.globals["new_key"] = lambda: secrets.token_urlsafe(12)


def content_security_policy() -> str:
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
        "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'"
    )


SECURITY_HEADERS = {
    "Content-Security-Policy": content_security_policy(),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Vary": "Cookie, Accept-Language",
}


@dataclass
class Page:
    """One web request as a view sees it."""

    request: Request
    roost: Roost
    viewer: Viewer | None
    me: CredentialAccount | None  # the signed-in account, rendered (None: signed out)

    @property
    def me_id(self) -> int:
        assert self.viewer is not None
        assert self.viewer.account_id is not None
        return self.viewer.account_id

    @property
    def viewer_id(self) -> int | None:
        return self.viewer.account_id if self.viewer else None

    @property
    def staff(self) -> Staff:
        """The signed-in user as moderation's actor, with their staff role (None: none)."""
        assert self.viewer is not None
        return Staff(self.me_id, self.viewer.role)

    def path_id(self, name: str = "id") -> int:
        """The id in the address (`{id}`); NotFound for anything that cannot be one."""
        found = parse_id(str(self.request.path_params[name]))
        if found is None:
            raise NotFound()
        return found

    @property
    def locale(self) -> str:
        return locale_of(self.request)

    @property
    def base_url(self) -> str:
        return str(self.roost.settings.base_url)

    def _(self, message: str, **values: Any) -> str:
        """Translate a message into the page's language; %(name)s placeholders filled."""
        text = gettext_for(self.request)(message)
        return text % values if values else text


async def load_page(request: Request, *, need_me: bool = True) -> Page:
    roost: Roost = request.app.state.roost
    viewer = await viewer_from_session(request)
    me = None
    if viewer is not None and need_me:
        assert viewer.account_id is not None
        me = await roost.accounts.credential(viewer.account_id)
    choose_locale(request, request.cookies.get(LANG_COOKIE))
    return Page(request, roost, viewer, me)


def render(
    page: Page,
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render a template with what every page needs, and set the CSRF cookie."""
    request = page.request
    token = csrf_token(request)
    context.setdefault("next_url", _current_url(request))
    html = env.get_template(template).render(
        request=request,
        page=page,
        me=page.me,
        csrf_token=token,
        site_title=page.roost.settings.title,
        max_chars=page.roost.settings.max_post_chars,
        path=request.url.path,
        current_url=_current_url(request),
        locales=LOCALES,
        locale=page.locale,
        **context,
    )
    response = HTMLResponse(
        html, status_code=status_code, headers={**SECURITY_HEADERS, **(headers or {})}
    )
    issue_csrf(request, response, token)
    return response


def _current_url(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go back to after a form: never another site (`//evil`, `https:`)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ord(c) < 0x20 for c in value):
        return default
    return value


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


def login_redirect(request: Request) -> RedirectResponse:
    return redirect("/login?next=" + quote(_current_url(request), safe="/"))


def error_page(page: Page, exc: RoostError) -> HTMLResponse:
    messages = {
        404: page._("This page does not exist, or you may not see it."),
        403: page._("The form has expired or did not come from this site. Please try again.")
        if isinstance(exc, CsrfError)
        else exc.message,
        429: page._("Too many requests. Please wait a few minutes and try again."),
    }
    titles = {404: page._("Not found"), 403: page._("Not allowed"), 429: page._("Slow down")}
    response = render(
        page,
        "error.html",
        status_code=exc.status,
        title=titles.get(exc.status, page._("Something went wrong")),
        message=messages.get(exc.status, exc.message),
    )
    response.headers.update(exc.headers)
    return response


View = Callable[[Page], Awaitable[Response]]


def _wrap(view: View, *, login: bool, csrf: bool) -> Callable[[Request], Awaitable[Response]]:
    @functools.wraps(view)
    async def endpoint(request: Request) -> Response:
        page = await load_page(request)
        try:
            if csrf:
                await read_form(page)
            if login and page.viewer is None:
                if request.method != "GET":
                    raise RoostError(page._("Please sign in first."), status=401)
                return login_redirect(request)
            return await view(page)
        except RoostError as exc:
            return error_page(page, exc)
        finally:
            form = request.scope.get("roost.web_form")
            if isinstance(form, FormData):
                await form.close()  # uploads are spooled to temporary files

    return endpoint


def page_view(*, login: bool = False) -> Callable[[View], Callable[[Request], Awaitable[Response]]]:
    """A GET page; `login=True` sends signed-out visitors to the sign-in page."""
    return lambda view: _wrap(view, login=login, csrf=False)


def form_view(*, login: bool = True) -> Callable[[View], Callable[[Request], Awaitable[Response]]]:
    """A POST handler: the form is read and its CSRF token checked before the view runs."""
    return lambda view: _wrap(view, login=login, csrf=True)


async def read_form(page: Page) -> FormData:
    """The request's form (cached on the page's request), CSRF-checked."""
    request = page.request
    cached = request.scope.get("roost.web_form")
    if isinstance(cached, FormData):
        return cached
    length = request.headers.get("content-length", "")
    ctype = request.headers.get("content-type", "")
    limit = MAX_UPLOAD_FORM if ctype.startswith("multipart/") else MAX_FORM
    if length.isascii() and length.isdigit() and int(length) > limit:
        raise RoostError(page._("The form is too large."), status=413)
    try:
        form = await request.form(max_files=2, max_fields=100)
    except Exception as exc:  # malformed bodies raise several types
        raise RoostError(page._("The form could not be read."), status=400) from exc
    check_csrf(request, {k: v for k, v in form.multi_items() if isinstance(v, str)})
    request.scope["roost.web_form"] = form
    return form


def wants_fragment(request: Request) -> bool:
    """Did app.js send this (to update part of the page in place)?"""
    return request.headers.get("x-requested-with") == "roost"


def form_str(
    page: Page, form: FormData, name: str, default: str = "", max_len: int = 100_000
) -> str:
    """A text field (files, over-long values and NUL characters are refused with a 422)."""
    value = form.get(name)
    if value is None:
        return default
    if not isinstance(value, str) or len(value) > max_len or "\x00" in value:
        raise RoostError(page._("The form holds a value that is too long or not text."), status=422)
    return value


def parse_id(value: str | None) -> int | None:
    """An id from a path or query; None for anything that cannot be one."""
    return None if value is None else id_or_none(value)
