"""Query-string parameters, read the same way in every view: allow-lists and bounded numbers.

Nothing here raises on odd input. A value that is not on the allow-list, not a whole number
in ASCII digits, or out of bounds gives the default, so `?year=%20`, `?page=²` or
`?level=<script>` can never reach int(), a service or the database. Views read their
parameters through these functions instead of request.args directly.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from flask import request
from werkzeug.datastructures import MultiDict

# Longest value a query-string form or search box ever needs; anything longer is cut.
MAX_VALUE_LENGTH = 200
# Page numbers and other counts in a query string stay far below PostgreSQL's integer.
MAX_PAGE = 100_000
DB_INTEGER_MAX = 2**31 - 1


def _args(args: Mapping | None) -> Mapping:
    return request.args if args is None else args


def _raw(name: str, args: Mapping | None) -> str:
    value = _args(args).get(name)
    return value.strip() if isinstance(value, str) else ""


def to_int(value: object, low: int, high: int) -> int | None:
    """A whole number written in ASCII digits (an optional minus sign) within [low, high],
    else None. Length is checked before int() so a 5 000-digit value costs nothing."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits or len(digits) > 18 or not (digits.isascii() and digits.isdigit()):
        return None
    number = int(text)
    return number if low <= number <= high else None


def integer(name: str, *, low: int, high: int, default: int | None = None,
            args: Mapping | None = None) -> int | None:
    """?name= as a bounded whole number, or `default`."""
    found = to_int(_raw(name, args), low, high)
    return default if found is None else found


def page(name: str = "page", *, args: Mapping | None = None) -> int:
    """A page number from 1 to MAX_PAGE; anything else is page 1."""
    found = integer(name, low=1, high=MAX_PAGE, args=args)
    return 1 if found is None else found


def choice(name: str, allowed: Collection[str], *, default: str | None = None,
           args: Mapping | None = None) -> str | None:
    """?name= if it is one of `allowed` (after trimming spaces), else `default`."""
    value = _raw(name, args)
    return value if value and value in allowed else default


def text(name: str, *, max_length: int = 100, args: Mapping | None = None) -> str:
    """Free text (a search box): trimmed and cut to max_length characters."""
    return _raw(name, args)[:max_length].strip()


def flag(name: str, *, args: Mapping | None = None) -> bool:
    """A check box in a GET form: '1', 'y', 'on' or 'true' is set, anything else is not."""
    return _raw(name, args).casefold() in ("1", "y", "yes", "on", "true")


def form_data(args: Mapping | None = None) -> MultiDict:
    """The query string for a GET form (WTForms formdata): every value trimmed and cut to
    MAX_VALUE_LENGTH, so an all-space value reads as empty instead of slipping past
    Optional() with its spaces."""
    source = _args(args)
    pairs = source.items(multi=True) if isinstance(source, MultiDict) else source.items()
    return MultiDict([(key, value.strip()[:MAX_VALUE_LENGTH] if isinstance(value, str)
                       else value) for key, value in pairs])


def posted_id(value: object) -> int | None:
    """An id a button posted: None when none was posted; 0 (which no row has) for anything
    that is not a whole number fitting the column, so the lookup says "not found"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return to_int(value, 1, 2**31 - 1) or 0
