"""roost.text.controls: bidirectional and zero-width controls out of names and links."""

from __future__ import annotations

from roost.text.controls import (
    clean_display_name,
    control_near,
    isolate_embeddings,
    without_controls,
)

CONTROLS = (
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"


def test_display_name_loses_bidi_controls() -> None:
    # issue 12, item 11: U+202E made "Alice gpj.exe" read "Alice exe.jpg"
    assert clean_display_name("Alice \u202egpj.exe") == "Alice gpj.exe"
    assert clean_display_name("\u2067Bob\u2069 \u200f\u061c") == "Bob "
    assert clean_display_name("\u202aA\u202bB\u202cC\u202dD\u2066E\u2068F\u200eG") == "ABCDEFG"
    assert clean_display_name(CONTROLS) == ""


def test_display_name_loses_invisibles_but_keeps_joiners_that_join() -> None:
    assert clean_display_name("a\u200bl\u2060i\u2061c\ufeffe") == "alice"
    assert clean_display_name("al\u200dice\u200c") == "alice"
    assert clean_display_name(f"\u200dAnn {FAMILY}\u200d") == f"Ann {FAMILY}"
    rainbow_flag = "\U0001f3f3\ufe0f\u200d\U0001f308"
    assert clean_display_name(rainbow_flag) == rainbow_flag
    assert clean_display_name("\u0645\u06cc\u200c\u062e\u0648\u0627\u0645") == (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645"  # Persian spelling needs the ZWNJ
    )
    assert clean_display_name("\u0915\u094d\u200d\u0937") == "\u0915\u094d\u200d\u0937"
    assert clean_display_name(f"{FAMILY}\u200d\u200d{FAMILY}") == f"{FAMILY}{FAMILY}"
    assert clean_display_name("Ana B") == "Ana B"


def test_without_controls_maps_back() -> None:
    assert without_controls("a\u202eb\u200bc") == ("abc", [0, 2, 4])
    assert without_controls("abc") == ("abc", [0, 1, 2])
    assert control_near("ab\u200b", 0, 2)
    assert control_near("\u202eab", 1, 3)
    assert not control_near("x\u202eab c", 3, 5)


def test_embeddings_and_overrides_become_isolates() -> None:
    assert isolate_embeddings("\u202aa\u202c\u202bb\u202c\u202dc\u202c\u202ed\u202c") == (
        "\u2066a\u2069\u2067b\u2069\u2066c\u2069\u2067d\u2069"
    )
    assert isolate_embeddings("\u2066x\u2069 \u200f") == "\u2066x\u2069 \u200f"
