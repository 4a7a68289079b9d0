"""Request parameters, parsed once for every door: the API, the web pages and streaming.

Every malformed value becomes a RoostError with a 4xx status, never an exception deeper
in: ids and integers are ASCII digits within 64 bits (SQLite's and PostgreSQL's BIGINT),
JSON bodies are bounded in size and depth and hold only valid Unicode and finite numbers,
and lists, parameters and headers are bounded in length.
"""

from __future__ import annotations

import builtins
import json
import math
import re
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from roost.errors import RoostError

MAX_ID = 2**63 - 1  # BIGINT: a larger id would overflow SQLite's integers (a 500)
MAX_JSON_BODY = 1024 * 1024  # bytes
MAX_JSON_DEPTH = 32  # Mastodon's deepest body, fields_attributes[0][name], is 3 deep
MAX_VALUES = 1000  # values per request, query and body together (as Starlette's forms)
MAX_HEADER = 255  # characters of a header read through `header`

TRUE_VALUES = {"1", "true", "on", "yes", "t"}
FALSE_VALUES = {"0", "false", "off", "no", "f", ""}

# `str.isdigit` also accepts "²" and other scripts' digits, which `int` refuses or reads.
_ASCII_INT = re.compile(r"[ \t]*[+-]?[0-9]{1,30}[ \t]*")
# A JSON string, or an unterminated one up to the end: every quote starts a match, so
# scanning a body is linear whatever it holds.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPEN_CLOSE = bytes.maketrans(b"[]{}", b"()()")
_SURROGATE = re.compile("[\ud800-\udfff]")


def bad_request(message: str) -> RoostError:
    return RoostError(message, status=400)


def invalid(message: str) -> RoostError:
    return RoostError(f"Validation failed: {message}", status=422)


def id_or_none(value: str) -> int | None:
    """The id `value` spells (ASCII digits, within BIGINT), or None if it spells none."""
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def parse_id(value: str, *, name: str = "id") -> int:
    """An id from a path (404 when it cannot be one, as for an unknown id) or from a
    parameter `name` (400)."""
    number = id_or_none(value)
    if number is None:
        raise RoostError(f"Invalid {name}", status=404 if name == "id" else 400)
    return number


def header(request: Request, name: str, *, max_len: int = MAX_HEADER) -> str | None:
    """A request header's value (None when absent or empty); 422 when over `max_len`."""
    value = request.headers.get(name)
    if not value:
        return None
    if len(value) > max_len:
        raise invalid(f"{name} header is too long (maximum is {max_len} characters)")
    return value


def parse_json_body(raw: bytes) -> dict[str, Any]:
    """A JSON object body: 413 when too large, 400 when not JSON, not an object or nested
    too deeply, 422 when it holds a lone surrogate or a number beyond a float's range."""
    if len(raw) > MAX_JSON_BODY:
        message = f"The request body is too large (maximum {MAX_JSON_BODY} bytes)"
        raise RoostError(message, status=413)
    if _too_deep(raw):
        raise bad_request(f"The request body is nested too deeply (maximum {MAX_JSON_DEPTH})")
    try:
        body = json.loads(raw, parse_float=_finite_float, parse_constant=_no_constant)
    except _OutOfRange as exc:
        raise invalid("a number in the request body is out of range") from exc
    except (ValueError, RecursionError) as exc:
        raise bad_request("The request body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object")
    return body


class _OutOfRange(Exception):
    pass


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _OutOfRange(text)
    return number


def _no_constant(text: str) -> float:
    raise _OutOfRange(text)  # NaN, Infinity, -Infinity: not JSON, though Python reads them


def _too_deep(raw: bytes) -> bool:
    """Is `raw` nested deeper than MAX_JSON_DEPTH? Decided without recursion: json.loads
    and the flattening below both recurse, and ~1,000 levels exhaust Python's stack."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_JSON_DEPTH:
        return False
    brackets = _JSON_STRING.sub(b"", raw).translate(_OPEN_CLOSE, _NOT_BRACKETS)
    brackets = brackets.replace(b"()", b"")  # empty siblings, cheaply, before the loop
    depth = 0
    for byte in brackets:
        depth += 1 if byte == 0x28 else -1
        if depth > MAX_JSON_DEPTH - 1:  # a removed "()" hid one level at most
            return True
        if depth < 0:
            return False  # unbalanced: json.loads will say it is not JSON
    return False


class Params:
    """Request parameters from query string and body, with Mastodon's loose typing."""

    def __init__(self, data: dict[str, list[Any]]) -> None:
        self._data = data

    @classmethod
    async def from_request(cls, request: Request) -> Params:
        data: dict[str, list[Any]] = {}
        for key, value in request.query_params.multi_items():
            _add(data, key, value)
        # Mastodon.py sends some GETs (familiar_followers) with a JSON body; Rails reads it.
        has_body = request.method in ("POST", "PUT", "PATCH", "DELETE")
        if has_body or (request.method == "GET" and "content-type" in request.headers):
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/json" or ctype.endswith("+json"):
                raw = await request.body()
                if raw.strip():
                    _flatten_json(data, "", parse_json_body(raw))
            elif has_body and ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                try:
                    form = await request.form()
                except Exception as exc:  # malformed multipart bodies raise several types
                    raise bad_request("The request body could not be parsed") from exc
                for key, form_value in form.multi_items():
                    _add(data, key, form_value)
        if sum(len(values) for values in data.values()) > MAX_VALUES:
            raise bad_request(f"Too many parameters (maximum {MAX_VALUES})")
        return cls(data)

    def has(self, name: builtins.str) -> builtins.bool:
        return name in self._data

    def raw(self, name: builtins.str) -> Any:
        values = self._data.get(name)
        return values[-1] if values else None

    def str(
        self,
        name: builtins.str,
        default: builtins.str | None = None,
        *,
        max_len: builtins.int | None = None,
    ) -> Any:
        """A string parameter (None/default when absent). Typed Any for terse call sites."""
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, UploadFile):
            raise invalid(f"{name} must be text, not a file")
        text = value if isinstance(value, builtins.str) else _scalar_text(name, value)
        if max_len is not None and len(text) > max_len:
            raise invalid(f"{name} is too long (maximum {max_len})")
        return text

    def required_str(
        self, name: builtins.str, *, max_len: builtins.int | None = None
    ) -> builtins.str:
        value: builtins.str | None = self.str(name, max_len=max_len)
        if value is None or not value.strip():
            raise invalid(f"{name} can't be blank")
        return value

    def bool(self, name: builtins.str, default: builtins.bool | None = None) -> Any:
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, builtins.bool):
            return value
        text = value.strip().lower() if isinstance(value, builtins.str) else None
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        if isinstance(value, builtins.int | builtins.float) and value in (0, 1):
            return value == 1
        raise invalid(f"{name} must be true or false")

    def int(
        self,
        name: builtins.str,
        default: builtins.int | None = None,
        *,
        lo: builtins.int | None = None,
        hi: builtins.int | None = None,
    ) -> Any:
        """An integer within 64 bits (else 400), clamped to [lo, hi]."""
        value = self.raw(name)
        if value is None or value == "":
            return default
        number = _integer(value)
        if number is None:
            raise bad_request(f"{name} must be an integer")
        if lo is not None and number < lo:
            number = lo
        if hi is not None and number > hi:
            number = hi
        return number

    def id(self, name: builtins.str) -> builtins.int | None:
        """An id parameter: absent → None; anything but an id → 400."""
        value = self.raw(name)
        if value is None or value == "":
            return None
        if isinstance(value, builtins.bool) or not isinstance(value, builtins.str | builtins.int):
            raise bad_request(f"Invalid {name}")
        return parse_id(builtins.str(value), name=name)

    def ids(self, name: builtins.str, *, most: builtins.int) -> builtins.list[builtins.int]:
        """An id list (`name[]=1&name[]=2`): values that cannot be ids are left out, as
        they name nothing; more than `most` values → 422."""
        values = self.list(name)
        if len(values) > most:
            raise invalid(f"Too many ids (maximum is {most})")
        found = (_as_id(v) for v in values)
        return [i for i in found if i is not None]

    def ints(self, name: builtins.str, *, most: builtins.int) -> builtins.list[builtins.int]:
        """An integer list (`name[]=0&name[]=2`, or a JSON array): anything but integers,
        or more than `most` values → 422."""
        values = self.list(name)
        if len(values) > most:
            raise invalid(f"Too many values in {name} (maximum is {most})")
        numbers = [_integer(v) for v in values]
        if any(n is None for n in numbers):
            raise invalid(f"{name} must be whole numbers")
        return [n for n in numbers if n is not None]

    def list(self, name: builtins.str) -> builtins.list[Any]:
        """A list parameter, given as `name[]=a&name[]=b`, `name=a`, or a JSON array."""
        return [v for v in self._data.get(name, []) if v is not None]


def _as_id(value: Any) -> int | None:
    if isinstance(value, str):
        return id_or_none(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return value
    return None


def _integer(value: Any) -> int | None:
    """An integer within 64 bits from text or a JSON number, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        number = int(value) if math.isfinite(value) else None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ASCII_INT.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if number is not None and -MAX_ID - 1 <= number <= MAX_ID else None


def _scalar_text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise invalid(f"{name} must be text")


def _normalise_key(key: str) -> str:
    return key[:-2] if key.endswith("[]") else key


def _add(data: dict[str, list[Any]], key: str, value: Any) -> None:
    # PostgreSQL cannot store NUL in text, and no database stores a lone surrogate (only
    # JSON's \ud800 escapes make one): refuse them here rather than fail in SQL later.
    for text in (key, value) if isinstance(value, str) else (key,):
        if "\x00" in text:
            raise invalid(f"{_shown(key)} contains a NUL character")
        if _SURROGATE.search(text):
            raise invalid(f"{_shown(key)} is not valid Unicode")
    data.setdefault(_normalise_key(key), []).append(value)


def _shown(key: str) -> str:
    """A key as it can be put in an error message (which is encoded as UTF-8)."""
    return _SURROGATE.sub("\ufffd", key.replace("\x00", "\ufffd"))


def _flatten_json(data: dict[str, list[Any]], prefix: str, value: Any) -> None:
    """{"poll": {"options": ["a"]}} → data["poll[options]"] = ["a"] (as a form would give).
    The depth is bounded by parse_json_body, so the recursion is too."""
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten_json(data, f"{prefix}[{k}]" if prefix else str(k), v)
    elif isinstance(value, list):
        items = data.setdefault(prefix, [])
        for item in value:
            if isinstance(item, dict | list):
                # Arrays of objects (e.g. fields_attributes as a list): index them.
                _flatten_json(data, f"{prefix}[{len(items)}]", item)
                items.append(None)
            else:
                _add(data, prefix, item)
                items = data[prefix]
    else:
        _add(data, prefix, value)
