"""Language negotiation, localised formatting and the health of the French catalog."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import jinja2
import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

from roost.web import i18n

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "roost" / "web" / "locale"
POT = LOCALE_DIR / "messages.pot"
FR_PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / "messages.po"
FR_MO = LOCALE_DIR / "fr" / "LC_MESSAGES" / "messages.mo"
# gettext's %(name)s and the {n} that app.js fills in.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _catalog(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def _ids(message: Message) -> tuple[str, ...]:
    """A message's msgid, or its singular and plural msgids."""
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def _strings(message: Message) -> tuple[str, ...]:
    """A message's translation, or each of its plural forms ("" when untranslated)."""
    if isinstance(message.string, str):
        return (message.string,)
    return tuple(message.string or ())


def _placeholders(text: str) -> set[str]:
    return {named or braced for named, braced in PLACEHOLDER.findall(text)}


def _request(accept_language: str | None = None) -> Request:
    headers = [] if accept_language is None else [(b"accept-language", accept_language.encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


# Negotiation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("fr", "fr"),
        ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"),
        ("en-US,en;q=0.9,fr;q=0.8", "en"),
        ("de-DE,de;q=0.9,fr;q=0.5,en;q=0.3", "fr"),
        ("de, en;q=0.2, fr;q=0.4", "fr"),
        ("fr-CA", "fr"),
        ("FR", "fr"),
        ("*", "en"),
        ("de,es", "en"),
        ("fr;q=0", "en"),
        ("fr;q=abc, en;q=0.1", "en"),
        ("fr;q=2", "en"),
        ("en, fr", "en"),
        ("fr, en", "fr"),
        (";;;,,,q=", "en"),
        ("x" * 5000, "en"),
    ],
)
def test_negotiate_from_the_header(header: str | None, expected: str) -> None:
    assert i18n.negotiate_locale(header, None) == expected


def test_the_users_setting_wins_over_the_header() -> None:
    assert i18n.negotiate_locale("en-US,en", "fr") == "fr"
    assert i18n.negotiate_locale("fr-FR,fr", "en") == "en"
    assert i18n.negotiate_locale("fr", "fr_FR") == "fr"


def test_an_unsupported_setting_falls_back_to_the_header() -> None:
    assert i18n.negotiate_locale("fr", "de") == "fr"
    assert i18n.negotiate_locale("fr", "") == "fr"
    assert i18n.negotiate_locale(None, "xx") == "en"


def test_choose_locale_keeps_the_choice_on_the_request() -> None:
    request = _request("fr-FR,fr;q=0.9")
    assert i18n.locale_of(request) == "fr"
    assert request.state.locale == "fr"
    assert i18n.choose_locale(request, preferred="en") == "en"
    assert i18n.locale_of(request) == "en"
    assert i18n.locale_of(_request()) == "en"


def test_gettext_for_translates_into_the_requests_language() -> None:
    assert i18n.gettext_for(_request("fr"))("Sign in") == "Se connecter"
    assert i18n.gettext_for(_request("en"))("Sign in") == "Sign in"
    assert i18n.gettext_for(_request("fr"))("no such message") == "no such message"
    plural = i18n.ngettext_for(_request("fr"))
    assert plural("%(count)s post", "%(count)s posts", 1) == "%(count)s message"
    assert plural("%(count)s post", "%(count)s posts", 2) == "%(count)s messages"


def test_translations_are_cached_and_refuse_unknown_languages() -> None:
    assert i18n.translations("fr") is i18n.translations("fr")
    assert isinstance(i18n.translations("en"), Translations)
    with pytest.raises(ValueError, match="unsupported"):
        i18n.translations("de")


# Formatting -------------------------------------------------------------------------------


def test_format_date() -> None:
    assert i18n.format_date(date(2022, 11, 17), "fr") == "17 novembre 2022"
    assert i18n.format_date(date(2022, 11, 17), "en") == "November 17, 2022"
    # Naive datetimes are UTC, as the database keeps them.
    assert i18n.format_date(datetime(2022, 11, 17, 23, 30), "fr") == "17 novembre 2022"
    paris = timezone(timedelta(hours=1))
    assert i18n.format_date(datetime(2022, 11, 18, 0, 30, tzinfo=paris), "en") == (
        "November 17, 2022"
    )


def test_format_datetime() -> None:
    moment = datetime(2022, 11, 17, 14, 5)
    assert i18n.format_datetime(moment, "fr") == "17 nov. 2022, 14:05"
    assert i18n.format_datetime(moment, "en") == "Nov 17, 2022, 2:05\u202fPM"


def test_format_number() -> None:
    assert i18n.format_number(1234567, "en") == "1,234,567"
    assert i18n.format_number(1234567, "fr") == "1\u202f234\u202f567"
    assert i18n.format_number(0, "fr") == "0"


NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age", "en", "fr"),
    [
        (timedelta(0), "0 sec", "0\u202fs"),
        (timedelta(seconds=12), "12 sec", "12\u202fs"),
        (timedelta(seconds=90), "1 min", "1\u00a0min"),
        (timedelta(minutes=3), "3 min", "3\u00a0min"),
        (timedelta(minutes=59, seconds=59), "59 min", "59\u00a0min"),
        (timedelta(hours=5, minutes=40), "5 hr", "5\u202fh"),
        (timedelta(hours=23, minutes=59), "23 hr", "23\u202fh"),
        (timedelta(days=1), "Mar 9", "9 mars"),
        (timedelta(days=40), "Jan 29", "29 janv."),
        (timedelta(days=400), "Feb 3, 2025", "3 févr. 2025"),
        (-timedelta(seconds=30), "0 sec", "0\u202fs"),
    ],
)
def test_relative_time(age: timedelta, en: str, fr: str) -> None:
    assert i18n.relative_time(NOW - age, "en", now=NOW) == en
    assert i18n.relative_time(NOW - age, "fr", now=NOW) == fr


def test_relative_time_takes_naive_utc() -> None:
    naive = datetime(2026, 3, 10, 11, 57)
    assert i18n.relative_time(naive, "en", now=NOW) == "3 min"
    assert i18n.relative_time(naive, "en", now=NOW.replace(tzinfo=None)) == "3 min"


# Jinja ------------------------------------------------------------------------------------


def _env() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    i18n.install_jinja(env)
    return env


def test_templates_translate_with_the_locale_variable_or_the_request() -> None:
    template = _env().from_string('{{ _("Sign in to %(site)s", site=site) }}')
    assert template.render(site="<R>", locale="fr") == "Se connecter à &lt;R&gt;"
    assert template.render(site="<R>", locale="en") == "Sign in to &lt;R&gt;"
    assert template.render(site="R", request=_request("fr-CA")) == "Se connecter à R"
    assert template.render(site="R") == "Sign in to R"


def test_templates_pluralise() -> None:
    plural = _env().from_string('{{ ngettext("%(count)s post", "%(count)s posts", n, count=n) }}')
    assert plural.render(n=1, locale="en") == "1 post"
    assert plural.render(n=3, locale="en") == "3 posts"
    assert plural.render(n=0, locale="fr") == "0 message"  # French counts 0 as singular
    assert plural.render(n=1, locale="fr") == "1 message"
    assert plural.render(n=2, locale="fr") == "2 messages"


def test_templates_format_in_the_locale() -> None:
    env = _env()
    html = env.from_string("{{ d|format_date }} · {{ n|format_number }}").render(
        d=date(2022, 11, 17), n=1234, locale="fr"
    )
    assert html == "17 novembre 2022 · 1\u202f234"
    html = env.from_string("{{ d|relative_time }}").render(d=datetime(2000, 1, 2), locale="fr")
    assert html == "2 janv. 2000"
    assert env.from_string("{{ d|format_datetime }}").render(
        d=datetime(2022, 11, 17, 14, 5), locale="fr"
    ) == ("17 nov. 2022, 14:05")


# The catalogs -----------------------------------------------------------------------------


def test_every_message_has_a_french_translation() -> None:
    template = [m for m in _catalog(POT) if m.id]
    french = _catalog(FR_PO)
    assert template, "the template catalog is empty: run scripts/i18n.sh"
    missing = []
    for message in template:
        translated = french.get(message.id, message.context)
        if translated is None or translated.fuzzy or not all(_strings(translated) or [""]):
            missing.append(message.id)
    assert not missing, f"untranslated or fuzzy in {FR_PO.name}: {missing}"


def test_french_keeps_every_placeholder() -> None:
    # Every form keeps every placeholder: French uses the singular for 0 and 1, so even the
    # singular "%(count)s message" must say the number.
    wrong = []
    for message in _catalog(FR_PO):
        if not message.id:
            continue
        wanted = set().union(*(_placeholders(i) for i in _ids(message)))
        wrong += [(message.id, s) for s in _strings(message) if s and _placeholders(s) != wanted]
    assert not wrong


def test_the_committed_mo_matches_the_po() -> None:
    """The .mo is committed; this fails when someone edits the .po and forgets to compile
    (`scripts/i18n.sh compile`)."""
    with FR_MO.open("rb") as f:
        compiled = Translations(f)
    expected: dict[object, str] = {}
    for message in _catalog(FR_PO):
        if not message.id or message.fuzzy or not any(_strings(message)):
            continue
        ids, strings = _ids(message), _strings(message)
        # gettext keys a message with a context as "context\x04msgid".
        first = f"{message.context}\x04{ids[0]}" if message.context else ids[0]
        if len(ids) == 1:
            expected[first] = strings[0]
        else:
            expected.update({(first, n): string for n, string in enumerate(strings)})
    catalog = {k: v for k, v in compiled._catalog.items() if k != ""}
    assert catalog == expected, f"{FR_MO.relative_to(ROOT)} is stale: scripts/i18n.sh compile"


def test_the_template_catalog_has_every_string_of_the_code(tmp_path: Path) -> None:
    """Fails when a template or view gains a string nobody extracted (run scripts/i18n.sh)."""
    fresh = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", "-o", str(fresh), "roost/web"],
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    extracted = {m.id for m in _catalog(fresh) if m.id}
    committed = {m.id for m in _catalog(POT) if m.id}
    assert extracted - committed == set(), "new strings: run scripts/i18n.sh and translate them"
    assert committed - extracted == set(), "strings no longer used: run scripts/i18n.sh"
