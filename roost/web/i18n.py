"""Languages of the web app: English (the msgids) and French, from gettext catalogs.

Catalogs live in roost/web/locale/<lang>/LC_MESSAGES/messages.po, compiled by Babel into the
committed messages.mo (scripts/i18n.sh extracts, updates and compiles; tests fail when a
string is untranslated or a .mo no longer matches its .po). A request's language is chosen
once by `choose_locale` and kept in `request.state.locale`: the user's setting wins over the
browser's Accept-Language.

Views translate with `_ = gettext_for(request)`; templates with `{{ _("...") }}` and
`{{ ngettext("%(num)d post", "%(num)d posts", n) }}` once `install_jinja(env)` ran. Templates
take the language from a `locale` variable or else from `request.state.locale`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import jinja2
from babel import dates, numbers
from babel.support import Translations
from starlette.requests import Request

LOCALES = ("en", "fr")
DEFAULT_LOCALE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# Past this many characters an Accept-Language header is junk; don't parse all of it.
_MAX_HEADER = 1000


def N_(message: str) -> str:
    """Mark a module-level string for extraction; translate it later with `_`."""
    return message


def _supported(tag: str) -> str | None:
    """The language of a tag ("fr", "fr-CA", "FR_fr" -> "fr"); None when we don't have it."""
    base = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return base if base in LOCALES else None


def negotiate_locale(accept_language: str | None, preferred: str | None = None) -> str:
    """The language to answer in: the user's setting when we have it, else the best
    language of the Accept-Language header we support, else English."""
    if preferred and (chosen := _supported(preferred)):
        return chosen
    best, best_q = DEFAULT_LOCALE, 0.0
    for item in (accept_language or "")[:_MAX_HEADER].split(",")[:50]:
        tag, _, params = item.partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        chosen = _supported(tag)
        # Equal weights keep the header's order: the first listed wins.
        if chosen and q > best_q and 0 < q <= 1:
            best, best_q = chosen, q
    return best


@functools.cache
def translations(locale: str) -> Translations:
    """The compiled catalog of `locale`; English (the msgids themselves) is an empty one."""
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    mo = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if locale == DEFAULT_LOCALE or not mo.exists():
        return Translations(domain=DOMAIN)
    with mo.open("rb") as fp:
        return Translations(fp, domain=DOMAIN)


# Per request -----------------------------------------------------------------------------


def choose_locale(request: Request, preferred: str | None = None) -> str:
    """Negotiate this request's language, keep it in `request.state.locale`, return it.

    Call again with the user's setting once the session is known: it replaces the choice.
    """
    locale = negotiate_locale(request.headers.get("accept-language"), preferred)
    request.state.locale = locale
    return locale


def locale_of(request: Request) -> str:
    """This request's language, negotiated from its headers if nobody chose it yet."""
    locale = getattr(request.state, "locale", None)
    return locale if locale in LOCALES else choose_locale(request)


def gettext_for(request: Request) -> Callable[[str], str]:
    """`_ = gettext_for(request)`: translate a message into the request's language."""
    return translations(locale_of(request)).gettext


def ngettext_for(request: Request) -> Callable[[str, str, int], str]:
    """The plural-aware translator for the request's language."""
    return translations(locale_of(request)).ngettext


# Formatting ------------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    # The database keeps naive UTC (roost.timeutil.utcnow).
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def format_date(moment: date | datetime, locale: str) -> str:
    """A long date: "November 17, 2022", "17 novembre 2022"."""
    if isinstance(moment, datetime):
        moment = _utc(moment).date()
    return dates.format_date(moment, format="long", locale=locale)


def format_datetime(moment: datetime, locale: str) -> str:
    """Date and time to the minute, in UTC: "Nov 17, 2022, 2:05 PM", "17 nov. 2022, 14:05"."""
    moment = _utc(moment)
    day = dates.format_date(moment.date(), format="medium", locale=locale)
    time = dates.format_time(moment, format="short", tzinfo=UTC, locale=locale)
    pattern = str(dates.get_datetime_format("medium", locale=locale))
    return pattern.replace("{0}", time).replace("{1}", day)


def format_number(number: float, locale: str) -> str:
    """A number with the locale's separators: "1,234" / "1 234"."""
    return numbers.format_decimal(number, locale=locale)


_Unit = Literal["hour", "minute", "second"]
_UNITS: tuple[tuple[_Unit, int], ...] = (("hour", 3600), ("minute", 60), ("second", 1))


def relative_time(moment: datetime, locale: str, now: datetime | None = None) -> str:
    """A post's age as a timeline shows it: "12 sec", "3 min", "5 hr" ("5 h" in French)
    within a day, then the date: "Nov 17" / "17 nov.", with the year when it is not this one."""
    moment = _utc(moment)
    current = _utc(now) if now is not None else datetime.now(UTC)
    age = (current - moment).total_seconds()
    if age < 0:  # a clock a little ahead of ours; say "now" rather than a future
        age = 0
    if age < 86400:
        for unit, seconds in _UNITS:
            if age >= seconds or unit == "second":
                # Floor to the unit, as timelines do: 90 s is "1 min", not "2 min".
                whole = timedelta(seconds=int(age // seconds) * seconds)
                return dates.format_timedelta(
                    whole, granularity=unit, threshold=1, format="short", locale=locale
                )
    skeleton = "MMMd" if moment.year == current.year else "yMMMd"
    return dates.format_skeleton(skeleton, moment, tzinfo=UTC, locale=locale)


def time_left(moment: datetime, locale: str, now: datetime | None = None) -> str:
    """How long until `moment`, as a poll's footer says it: "3 hours", "2 days"."""
    current = _utc(now) if now is not None else datetime.now(UTC)
    left = max(_utc(moment) - current, timedelta(seconds=1))
    return dates.format_timedelta(left, threshold=1, format="long", locale=locale)


# Jinja -----------------------------------------------------------------------------------


def _context_locale(context: jinja2.runtime.Context) -> str:
    locale = context.get("locale")
    if locale in LOCALES:
        return str(locale)
    request = context.get("request")
    if isinstance(request, Request):
        return locale_of(request)
    return DEFAULT_LOCALE


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, message: str) -> str:
    return translations(_context_locale(context)).gettext(message)


@jinja2.pass_context
def _ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int) -> str:
    return translations(_context_locale(context)).ngettext(singular, plural, n)


@jinja2.pass_context
def _pgettext(context: jinja2.runtime.Context, ctx: str, message: str) -> str:
    return str(translations(_context_locale(context)).pgettext(ctx, message))


def _localised(func: Callable[..., str]) -> Callable[..., str]:
    @jinja2.pass_context
    def filter_(context: jinja2.runtime.Context, value: Any, *args: Any) -> str:
        return func(value, _context_locale(context), *args)

    return filter_


def install_jinja(env: jinja2.Environment) -> None:
    """Give `env` gettext (`_`, `gettext`, `ngettext`, `pgettext`, `{% trans %}`, all
    autoescape-safe newstyle calls with %(name)s placeholders) and the localised filters
    `format_date`, `format_datetime`, `format_number`, `relative_time` and `time_left`."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the extension
        gettext=_gettext, ngettext=_ngettext, newstyle=True, pgettext=_pgettext
    )
    env.filters["format_date"] = _localised(format_date)
    env.filters["format_datetime"] = _localised(format_datetime)
    env.filters["format_number"] = _localised(format_number)
    env.filters["relative_time"] = _localised(relative_time)
    env.filters["time_left"] = _localised(time_left)
