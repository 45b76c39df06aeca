"""The CPV field: lookup by code, and suggestions by words that work without JavaScript.

Without JavaScript the officer types words (or the start of a code) and submits; the form
comes back with the matching codes as radio buttons (`cpv_pick`) to choose from. With
JavaScript, static/js/cpv-autocomplete.js fills a datalist from officer.cpv_search as they
type. Either way the code is validated by looking it up in the CPV list.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import ValidationError

from procure.web.officer.criteria_labels import english

SUGGESTIONS = 10


def ui_lang() -> str:
    return "en" if english() else "nb"


def resolve_cpv(field: Field, pick: Field | None = None) -> None:
    """Validate a CPV field in place: a picked suggestion wins; a known code is normalised to
    its official form; words give suggestions (on `field.suggestions`) and an error."""
    if pick is not None and pick.data:
        field.data = pick.data
    if not field.data:
        return
    cpv = current_app.extensions["procure.cpv"]
    found = cpv.lookup(field.data)
    if found is not None:
        field.data = found.code
        return
    suggestions = cpv.search(field.data, ui_lang(), limit=SUGGESTIONS)
    # The CPV macro reads them off the field; WTForms fields take such attributes at runtime.
    field.suggestions = suggestions  # type: ignore[attr-defined]
    if suggestions:
        raise ValidationError(_l("%(text)s is not a CPV code. Choose one of the matching codes "
                                 "below, or give a code with its check digit.", text=field.data))
    raise ValidationError(_l("%(code)s is not a CPV code. Give the code with its check "
                             "digit, for example 90911200-8.", code=field.data))


def cpv_label(code: str | None) -> str:
    """The label of a CPV code in the UI language, or '' if unknown."""
    if not code:
        return ""
    found = current_app.extensions["procure.cpv"].lookup(code)
    return found.label(ui_lang()) if found else ""
