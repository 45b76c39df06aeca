"""Control characters are dropped from every query and form value before any view sees them.

No person types a NUL byte or an escape sequence, PostgreSQL cannot store NUL in text at all,
and feeds and PDFs reject control characters. Doing it once where Werkzeug builds the request
dicts covers every form field, filter and search box, including those added later. Tabs and
line breaks stay (text areas); uploaded files are untouched.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

KEPT = frozenset("\t\n\r")


def without_control_characters(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(ch for ch in text
                   if ch in KEPT or unicodedata.category(ch) != "Cc")


def _cleaned(mapping: Mapping | Iterable | None) -> list[tuple[str, object]]:
    if mapping is None:
        return []
    if isinstance(mapping, MultiDict):
        pairs = mapping.items(multi=True)
    elif isinstance(mapping, Mapping):
        pairs = mapping.items()
    else:
        pairs = mapping
    return [(without_control_characters(key) if isinstance(key, str) else key,
             without_control_characters(value) if isinstance(value, str) else value)
            for key, value in pairs]


class CleanParameters(ImmutableMultiDict):
    """Werkzeug builds request.args, request.form and request.files with this class."""

    def __init__(self, mapping: Mapping | Iterable | None = None) -> None:
        super().__init__(_cleaned(mapping))


class CleanRequest(Request):
    parameter_storage_class = CleanParameters


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest
