"""Regular-expression character classes that Python's ``re`` cannot spell: classes from
lists of code points, and classes by Unicode general category (``re`` has no ``\\p{L}``)."""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from collections.abc import Iterable

__all__ = ["class_body", "letter_classes", "to_ranges"]


def to_ranges(code_points: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted code points as (first, last) runs of consecutive ones."""
    out: list[tuple[int, int]] = []
    for cp in sorted(code_points):
        if out and out[-1][1] == cp - 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def class_body(ranges: Iterable[tuple[int, int]]) -> str:
    """The inside of a ``[...]`` class matching the given (first, last) ranges."""
    return "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


def _code_points(cps: range) -> str:
    """``"".join(map(chr, cps))``, four times faster."""
    for typecode in "IL":
        if array(typecode).itemsize == 4:
            encoding = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
            return array(typecode, cps).tobytes().decode(encoding, "surrogatepass")
    return "".join(map(chr, cps))


def letter_classes() -> tuple[str, str]:
    """Class bodies for letters and marks (categories L*, M*), and for those and decimal
    digits (Nd)."""
    # Tabulate the categories once (~70 ms). Planes 4-13 and 15-16 hold no letters, marks
    # or digits.
    chars = _code_points(range(0x40000)) + _code_points(range(0xE0000, 0xE1000))
    flag_of = {
        cat: "a" if cat[0] in "LM" else "n" if cat == "Nd" else "x"
        for cat in (
            *("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd"),
            *("Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp"),
            *("Cc", "Cf", "Cs", "Co", "Cn"),
        )
    }
    flags = "".join(map(flag_of.__getitem__, map(unicodedata.category, chars)))

    def body(run: str) -> str:
        return class_body(
            (ord(chars[m.start()]), ord(chars[m.end() - 1])) for m in re.finditer(run, flags)
        )

    return body("a+"), body("[an]+")
